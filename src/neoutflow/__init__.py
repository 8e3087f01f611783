"""neoutflow: population outflow from Northeast China (辽宁, 吉林, 黑龙江).

The package holds all logic of the report; the notebooks under ``notebooks/``
only set parameters and call it. Modules:

- ``paths``      every project path, derived from the project root
- ``params``     the single parameter file (``params.yaml``), validated
- ``style``      the CJK font and plotting style shared by every figure
"""

__version__ = "0.1.0"
