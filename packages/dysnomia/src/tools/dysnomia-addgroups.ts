import { runTool } from '@disnix-ts/libmain'
import { runUserTool, userToolCommand } from '../user-tool-command.js'

const program = userToolCommand('addgroups').action((path: string | undefined) => runUserTool('addgroups', path))

await runTool(program)
