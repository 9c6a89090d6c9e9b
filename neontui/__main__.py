from neontui.cli import main

raise SystemExit(main())
