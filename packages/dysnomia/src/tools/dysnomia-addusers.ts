import { userTool } from './user-tool.js'

export const dysnomiaAddusers = userTool('addusers')
