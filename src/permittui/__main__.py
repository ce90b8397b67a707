from permittui.cli import main

raise SystemExit(main())
