// A trainee's shell ends with their seat: resetting the trainee or tearing the cohort down closes
// the terminal, and their token stops opening a new one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { decodeServerFrame, encodeClientFrame } from '../protocol/terminal-frames.ts'
import { buildCohortTestApp, type CohortTestApp } from './test-app.test-helper.ts'

let t: CohortTestApp
let base: string

beforeEach(async () => {
  t = await buildCohortTestApp()
  base = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws')
})
afterEach(async () => t.close())

function open(token: string): { ready: Promise<void>; closed: Promise<number> } {
  const ws = new WebSocket(`${base}/ws/terminal`)
  let onReady = () => {}
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  ws.on('open', () => ws.send(encodeClientFrame({ type: 'hello', token })))
  ws.on('message', (data: Buffer) => {
    const d = decodeServerFrame(new Uint8Array(data))
    if (d.ok && d.frame.type === 'ready') {
      onReady()
    }
  })
  return { ready, closed: new Promise((resolve) => ws.on('close', (code) => resolve(code))) }
}

describe('trainee terminals and the seat lifecycle', () => {
  it('closes the shell on reset and on teardown', async () => {
    const c = await t.cohorts.service.create({ name: 'shells', labId: 'hello-kindlab', trainees: 2, reserve: 0 })
    const a = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'A' })
    const b = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'B' })
    const ta = open(a.token)
    const tb = open(b.token)
    await Promise.all([ta.ready, tb.ready])
    await t.cohorts.service.resetTrainee(c.id, a.traineeId)
    expect(await ta.closed).toBeGreaterThanOrEqual(1000)
    expect(await open(a.token).closed).toBe(4401)
    await t.cohorts.service.teardown(c.id)
    expect(await tb.closed).toBeGreaterThanOrEqual(1000)
    expect(await open(b.token).closed).toBe(4401)
  })
})
