from mirra.cli.main import main

main()
