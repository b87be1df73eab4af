// Pure: which gateway TCP port each namespace-mode trainee gets. Every namespace-mode cohort of a
// server shares one class cluster, and so one ingress gateway: a TCP server holds its port for
// everyone on it, so no two trainees of the cluster may get the same number, whatever their
// cohort. The store calls this with the ports already held (store/cohorts-repo.ts) inside the
// transaction that creates the cohort. No I/O.
import { AppError } from '../../errors.ts'
import { TRAINEE_TCP_PORT_BASE } from './names.ts'

/**
 * The last port handed out. The range stays clear of Kubernetes' node ports (30000-32767), which
 * some clusters' host networks also use, and leaves 9,999 trainee ports per cluster.
 */
export const TRAINEE_TCP_PORT_MAX = 29_999

/**
 * A port per slot, none of them in `taken` nor given twice. A slot keeps BASE + slot when that is
 * free (so the first cohort of a cluster gets 20001, 20002, … as before); otherwise it gets the
 * lowest free port of the range.
 */
export function allocateTcpPorts(slots: readonly number[], taken: Iterable<number>): Map<number, number> {
  const used = new Set(taken)
  const result = new Map<number, number>()
  const waiting: number[] = []
  for (const slot of slots) {
    const preferred = TRAINEE_TCP_PORT_BASE + slot
    if (preferred <= TRAINEE_TCP_PORT_MAX && !used.has(preferred)) {
      used.add(preferred)
      result.set(slot, preferred)
    } else {
      waiting.push(slot)
    }
  }
  let next = TRAINEE_TCP_PORT_BASE + 1
  for (const slot of waiting) {
    while (next <= TRAINEE_TCP_PORT_MAX && used.has(next)) {
      next++
    }
    if (next > TRAINEE_TCP_PORT_MAX) {
      throw new AppError('LAB_ERR_COHORT_FULL', {
        message: `The class cluster has no free trainee TCP port left (${TRAINEE_TCP_PORT_BASE + 1}-${TRAINEE_TCP_PORT_MAX} are all held by cohorts).`,
        hint: 'Tear down cohorts that have ended (`kindlab cohort teardown NAME`), then create this one again.',
      })
    }
    used.add(next)
    result.set(slot, next)
  }
  return result
}
