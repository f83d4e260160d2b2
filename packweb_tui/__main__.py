from packweb_tui.cli import main

main()
