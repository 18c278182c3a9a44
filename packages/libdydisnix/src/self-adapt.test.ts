import { describe, expect, test } from 'vitest'
import { DisnixError, type ProgressEvent } from '@disnix-ts/libmain'
import { abortableSleep, deployDynamically, selfAdapt, type DynamicSteps } from './self-adapt.js'

/**
 * Steps that record what runs, over a scripted sequence of infrastructures (one per round): the loop's
 * decisions are what is tested here; the steps themselves are the tools, tested on real targets in
 * dydisnix-cli's self-adapt scenario.
 */
function scripted(rounds: Array<string[] | 'unreachable'>, options: { failDeploy?: number[] } = {}) {
  const log: string[] = []
  let round = -1
  let deploys = 0
  const steps: DynamicSteps = {
    discover: async () => {
      round++
      const targets = rounds[Math.min(round, rounds.length - 1)]!
      if (targets === 'unreachable') throw new DisnixError('NOTHING_DISCOVERED', 'No candidate answered')
      log.push(`discover ${targets.join(',')}`)
      return targets.join(',')
    },
    augment: async (file) => `${file}+augmented`,
    state: async (file) => ({ hash: file, targets: file.replace('+augmented', '').split(',').filter((t) => t !== '') }),
    generate: async (file) => {
      log.push(`generate ${file}`)
      return `dist(${file})`
    },
    deploy: async (infra, dist) => {
      deploys++
      if (options.failDeploy?.includes(deploys)) throw new DisnixError('COMMAND_FAILED', 'disnix-env: failed (exit status 1)')
      log.push(`deploy ${dist}`)
    },
    snapshot: async () => {
      log.push('snapshot')
    },
  }
  return { steps, log }
}

const collect = () => {
  const lines: string[] = []
  return { lines, progress: (e: ProgressEvent) => (e.kind === 'message' ? lines.push(e.text) : undefined) }
}
const noSleep = async () => {}

describe('selfAdapt', () => {
  test('deploys in the first round, redeploys when a target is lost or comes back, snapshots when nothing changed', async () => {
    const { steps, log } = scripted([['t1', 't2'], ['t1', 't2'], ['t1'], ['t1'], ['t1', 't2']])
    const { lines, progress } = collect()
    const result = await selfAdapt({ steps, progress, intervalMs: 1000, maxIterations: 5, sleep: noSleep })
    expect(result).toEqual({ iterations: 5, deployments: 3, failures: 0, lastRoundFailed: false })
    expect(log).toEqual([
      'discover t1,t2', 'generate t1,t2+augmented', 'deploy dist(t1,t2+augmented)',
      'discover t1,t2', 'snapshot',
      'discover t1', 'generate t1+augmented', 'deploy dist(t1+augmented)',
      'discover t1', 'snapshot',
      'discover t1,t2', 'generate t1,t2+augmented', 'deploy dist(t1,t2+augmented)',
    ])
    expect(lines).toContain('Deploying on the discovered targets: t1, t2')
    expect(lines).toContain('A change in the infrastructure has been detected (lost: t2)')
    expect(lines).toContain('A change in the infrastructure has been detected (added: t2)')
    expect(lines.filter((l) => l === 'Waiting for 1 seconds...')).toHaveLength(4)
  })

  test('a failed round is reported and retried; the deployment that failed is tried again next round', async () => {
    const { steps, log } = scripted([['t1'], 'unreachable', ['t1', 't2'], ['t1', 't2']], { failDeploy: [2] })
    const { lines, progress } = collect()
    const result = await selfAdapt({ steps, progress, intervalMs: 10, maxIterations: 4, sleep: noSleep })
    expect(result).toEqual({ iterations: 4, deployments: 2, failures: 2, lastRoundFailed: false })
    expect(lines).toContain('Round 2 failed: No candidate answered')
    expect(lines).toContain('Round 3 failed: disnix-env: failed (exit status 1)')
    expect(log.filter((l) => l.startsWith('deploy'))).toEqual(['deploy dist(t1+augmented)', 'deploy dist(t1,t2+augmented)'])
  })

  test('the last round failing is reported in the result (--once exits 1)', async () => {
    const { steps } = scripted(['unreachable'])
    const result = await selfAdapt({ steps, progress: () => {}, intervalMs: 10, maxIterations: 1, sleep: noSleep })
    expect(result.lastRoundFailed).toBe(true)
  })

  test('an abort ends the loop during the wait', async () => {
    const { steps } = scripted([['t1']])
    const controller = new AbortController()
    const running = selfAdapt({ steps, progress: () => {}, intervalMs: 60_000, signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    expect((await running).iterations).toBe(1)
  })

  test('a bug in a step is not swallowed', async () => {
    const { steps } = scripted([['t1']])
    steps.generate = async () => {
      throw new TypeError('boom')
    }
    await expect(selfAdapt({ steps, progress: () => {}, intervalMs: 1, maxIterations: 2, sleep: noSleep })).rejects.toThrow('boom')
  })
})

describe('deployDynamically', () => {
  test('runs discover, augment, reconstruct, generate, assign IDs and deploy in this order', async () => {
    const { steps, log } = scripted([['t1']])
    steps.assignIds = async (infra, dist) => {
      log.push(`ids ${infra} ${dist}`)
    }
    steps.reconstruct = async (infra) => {
      log.push(`reconstruct ${infra}`)
    }
    const result = await deployDynamically({ steps, progress: () => {} })
    expect(result).toEqual({ infrastructureFile: 't1+augmented', distributionFile: 'dist(t1+augmented)' })
    expect(log).toEqual(['discover t1', 'reconstruct t1+augmented', 'generate t1+augmented', 'ids t1+augmented dist(t1+augmented)', 'deploy dist(t1+augmented)'])
  })
})

describe('abortableSleep', () => {
  test('returns at once for an aborted signal', async () => {
    const controller = new AbortController()
    controller.abort()
    // without the signal this would outlast the test's timeout
    await expect(abortableSleep(3_600_000, controller.signal)).resolves.toBeUndefined()
  })
})
