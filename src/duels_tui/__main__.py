from duels_tui.cli import main

main()
