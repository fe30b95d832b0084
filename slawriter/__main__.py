from slawriter.cli import main

raise SystemExit(main())
