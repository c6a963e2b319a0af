from backlogdesk.cli import main

main()
