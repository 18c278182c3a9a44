import { userTool } from './user-tool.js'

export const dysnomiaDelusers = userTool('delusers')
