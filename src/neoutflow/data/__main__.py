import sys

from neoutflow.data.make import main

sys.exit(main())
