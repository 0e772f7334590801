// `natural` 8 loads `dotenv` at import (through its storage adapters), and dotenv 17 prints an
// "injected env" line to stdout unless told to be quiet; `fincelo analyze` writes JSON lines to
// stdout, so this module must be imported before `natural` anywhere in the process.
// Source: dotenv README, "quiet" option / DOTENV_CONFIG_QUIET.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
export {};
