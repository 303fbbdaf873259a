"""`creditbot`: the operator command line. Same services, same rules as Slack.

`__main__` runs a command; `parser` holds the table of commands; one module per feature
holds their handlers; `text` writes what a person reads, `serialise` what `--json` prints.
Nothing is imported here, so `import bot.cli` stays cheap.
"""
