// The executable: runs the CLI on the process arguments and exits with its code.
import { runCli } from './main.js';

runCli(process.argv).then((code) => {
  process.exitCode = code;
});
