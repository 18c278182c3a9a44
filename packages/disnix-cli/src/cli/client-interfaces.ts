import type { CallOptions, ClientInterface, ClientInterfaces, InterfaceRequest, InterfaceResult } from '@disnix-ts/libinterface'

/**
 * The client interfaces of the coordinator tools: the built-in disnix-ssh-client runs in this process
 * (ARCHITECTURE §5: no Node start per remote operation, the same results as the executable), unless
 * DISNIX_IN_PROCESS_INTERFACE=0; every other interface is an executable started per call.
 */
export function coordinatorInterfaces(env: NodeJS.ProcessEnv): ClientInterfaces {
  const made = new Map<string, ClientInterface>()
  return (name) => {
    let iface = made.get(name)
    if (iface === undefined) {
      iface = name === 'disnix-ssh-client' && env.DISNIX_IN_PROCESS_INTERFACE !== '0' ? inProcessSshClient(env) : executableInterface(name, env)
      made.set(name, iface)
    }
    return iface
  }
}

/** disnix-ssh's interface, loaded on its first call (ssh2 is not needed before). */
function inProcessSshClient(env: NodeJS.ProcessEnv): ClientInterface {
  let loaded: Promise<ClientInterface> | undefined
  return {
    name: 'disnix-ssh-client',
    knows: () => true,
    async call<R extends InterfaceRequest>(target: string, request: R, options?: CallOptions): Promise<InterfaceResult<R>> {
      loaded ??= import('@disnix-ts/disnix-ssh').then(({ sshClientInterface }) => sshClientInterface({ env }))
      return (await loaded).call(target, request, options)
    },
  }
}

/**
 * An interface started as an executable per call (libinterface's processInterface), loaded on its first
 * call: a tool that never reaches a target (disnix-env itself) does not load the protocol's modules.
 */
function executableInterface(name: string, env: NodeJS.ProcessEnv): ClientInterface {
  let loaded: Promise<ClientInterface> | undefined
  return {
    name,
    async call<R extends InterfaceRequest>(target: string, request: R, options?: CallOptions): Promise<InterfaceResult<R>> {
      loaded ??= import('@disnix-ts/libinterface').then(({ processInterface }) => processInterface(name, { env }))
      return (await loaded).call(target, request, options)
    },
  }
}
