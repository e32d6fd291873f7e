"""`python -m orchestration.cli ...` = `talent-crm ...`."""

import sys

from orchestration.cli import main

sys.exit(main())
