import { runTool } from '@disnix-ts/libmain'
import { sshClientCommand } from '../ssh-client-command.js'

const io = { env: process.env, stdout: process.stdout, stderr: process.stderr, terminal: true }
await runTool(sshClientCommand(io, (status) => (process.exitCode = status)))
