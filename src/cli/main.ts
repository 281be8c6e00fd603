#!/usr/bin/env node
// Entry point of the `cosearch` binary: parses the command line with yargs and dispatches to src/cli/commands.
import 'reflect-metadata';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';

const cli = yargs(hideBin(process.argv))
  .scriptName('cosearch')
  .usage('$0 <command> [options]')
  .strict()
  .demandCommand(1, 'name a command; `cosearch --help` lists them')
  .help()
  .alias('h', 'help');

for (const command of commands) cli.command(command);

await cli.parseAsync();
