import { runTool } from '@disnix-ts/libmain'
import { runUserTool, userToolCommand } from '../user-tool-command.js'

const program = userToolCommand('addusers').action((path: string | undefined) => runUserTool('addusers', path))

await runTool(program)
