import { runTool } from '@disnix-ts/libmain'
import { runUserTool, userToolCommand } from '../user-tool-command.js'

const program = userToolCommand('delusers').action((path: string | undefined) => runUserTool('delusers', path))

await runTool(program)
