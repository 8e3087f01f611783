import sys

from neoutflow.render.run import main

sys.exit(main())
