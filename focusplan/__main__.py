from focusplan.cli import main

main()
