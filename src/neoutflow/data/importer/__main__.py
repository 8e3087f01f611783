"""``python -m neoutflow.data.importer``."""

import sys

from neoutflow.data.importer import main

sys.exit(main())
