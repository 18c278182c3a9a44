import { runTool } from '@disnix-ts/libmain'
import { runUserTool, userToolCommand } from '../user-tool-command.js'

const program = userToolCommand('delgroups').action((path: string | undefined) => runUserTool('delgroups', path))

await runTool(program)
