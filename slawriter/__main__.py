from slawriter.launch import main

raise SystemExit(main())
