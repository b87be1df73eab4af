// A class on a server with KINDLAB_ACCESS_TOKEN: the printed link carries the token in its fragment,
// the instructor signs in through it, a trainee's handout link (#t=…&access=…) joins at once and
// opens a shell, and a browser without the token cannot join with the class code.
import { expect, test } from '@playwright/test'
import type { HandoutDto } from '../../server/protocol/cohort-dto.ts'
import { useKindlab } from './kindlab-server.ts'

const TOKEN = 'e2e+access/token=0123'
const server = useKindlab('access', { KINDLAB_ACCESS_TOKEN: TOKEN })

test('a class behind an access token: sign in, join by handout link, no join without it', async ({ browser }) => {
  expect(server.url).toContain(`#access=${encodeURIComponent(TOKEN)}`)
  const origin = new URL(server.url).origin
  const adminToken = /instructor admin token[^:]*: (kla_\S+)/.exec(server.output())?.[1] ?? ''

  const teacher = await (await browser.newContext()).newPage()
  await teacher.goto(`${origin}/instructor#access=${encodeURIComponent(TOKEN)}`)
  await teacher.getByLabel('Secret').fill(adminToken)
  await teacher.getByRole('button', { name: 'Sign in' }).click()
  await teacher.getByLabel('Name').fill('tok-class')
  await teacher.getByLabel('Lab').selectOption('hello-kindlab')
  await teacher.getByLabel('Trainees').fill('1')
  await teacher.getByLabel('Warm pool').fill('0')
  await teacher.getByRole('button', { name: 'Create cohort' }).click()
  const code = (await teacher.getByTestId('class-code').textContent()) ?? ''
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
  // The handout as the instructor's page fetches it (signed in here with the same admin token).
  const access = { 'x-kindlab-access': TOKEN, 'content-type': 'application/json' }
  const signIn = await fetch(`${origin}/api/instructor/session`, {
    method: 'POST',
    headers: access,
    body: JSON.stringify({ adminToken }),
  })
  const { token } = (await signIn.json()) as { token: string }
  const handoutRes = await fetch(`${origin}/api/cohorts/tok-class/handout`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const handout = (await handoutRes.json()) as HandoutDto
  const link = handout.entries[0]?.joinUrl ?? ''
  expect(link).toMatch(/#t=[\w-]+&access=/)

  // Without the token, the class code alone does not get in.
  const stranger = await (await browser.newContext()).newPage()
  await stranger.goto(`${origin}/join/tok-class`)
  await stranger.getByLabel('Class code').fill(code)
  await stranger.getByLabel('Your name').fill('Mallory')
  await stranger.getByRole('button', { name: 'Join' }).click()
  await expect(stranger.getByRole('alert')).toContainText('access link')

  // The personal link joins at once and the terminal opens.
  const trainee = await (await browser.newContext()).newPage()
  await trainee.goto(link)
  await expect(trainee).toHaveURL(/\/labs\/hello-kindlab/)
  await expect(trainee.locator('.terminal-status')).toHaveText('Connected')
})
