import sys

from neoutflow.data.extract.run import main

sys.exit(main())
