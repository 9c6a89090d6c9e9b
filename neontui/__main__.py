from neontui.cli.main import main

raise SystemExit(main())
