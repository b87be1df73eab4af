// Reconnect after a server restart is fast: the server is down for 12 s (the old doubling backoff
// from 250 ms, ±25%, would then wait until 20 s or later before its next try); once it is back, the learner's terminal and
// the instructor's grade book stream are live again within 3 s. The measured times are attached.
import { expect, test } from '@playwright/test'
import { useKindlab } from './kindlab-server.ts'

const server = useKindlab('reconnect')

test('the terminal and the grade book reconnect within 3 s of the server being back', async ({ browser }, info) => {
  test.setTimeout(90_000)
  const adminToken = /instructor admin token[^:]*: (kla_\S+)/.exec(server.output())?.[1] ?? ''
  const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const res = await fetch(new URL(path, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    })
    expect(res.ok).toBe(true)
    return (await res.json()) as T
  }
  const { token } = await post<{ token: string }>('/api/instructor/session', { adminToken })
  const cohort = await post<{ id: string }>(
    '/api/cohorts',
    { name: 'restart', labId: 'hello-kindlab', trainees: 1, reserve: 0 },
    token,
  )

  const learner = await (await browser.newContext()).newPage()
  await learner.goto(new URL('/labs/hello-kindlab', server.url).href)
  await expect(learner.locator('.terminal-status')).toHaveText('Connected')
  const teacher = await (await browser.newContext()).newPage()
  await teacher.goto(new URL('/instructor', server.url).href)
  await teacher.getByLabel('Secret').fill(adminToken)
  await teacher.getByRole('button', { name: 'Sign in' }).click()
  await teacher.goto(new URL(`/instructor/cohorts/${cohort.id}`, server.url).href)
  await expect(teacher.locator('.live-state')).toHaveText('live · offline')

  const port = Number(new URL(server.url).port)
  await server.stop('SIGKILL')
  await expect(learner.locator('.terminal-status')).toHaveText(/reconnecting/i)
  await expect(teacher.locator('.live-state')).toHaveText('reconnecting…')
  await new Promise((resolve) => setTimeout(resolve, 12_000))
  await server.restart(port)
  const back = Date.now()
  await expect(learner.locator('.terminal-status')).toHaveText('Connected', { timeout: 3_000 })
  const terminalMs = Date.now() - back
  await expect(teacher.locator('.live-state')).toHaveText('live · offline', { timeout: 3_000 - terminalMs })
  const gradeBookMs = Date.now() - back
  info.annotations.push({
    type: 'reconnect',
    description: `terminal ${terminalMs} ms, grade book ${gradeBookMs} ms after the server was back`,
  })
  // The new shell works and says what happened.
  await expect(learner.locator('.xterm-rows')).toContainText('Reconnected to a new shell')
  await learner.locator('.xterm').click()
  await learner.keyboard.type('echo back-$((2+3))')
  await learner.keyboard.press('Enter')
  await expect(learner.locator('.xterm-rows')).toContainText('back-5')
})
