// sharedRead: concurrent and recent callers share one read; an old or failed read is not reused.
import { describe, expect, it } from 'vitest'
import { sharedRead } from './shared-read.ts'

describe('sharedRead', () => {
  it('joins a read in flight and one started within freshMs; starts a new one after', async () => {
    let clock = 1_000
    let reads = 0
    const read = sharedRead(() => Promise.resolve(++reads), { freshMs: 250, now: () => clock })
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1])
    clock += 250
    expect(await read()).toBe(1)
    clock += 1
    expect(await read()).toBe(2)
    read.reset()
    expect(await read()).toBe(3)
    expect(reads).toBe(3)
  })

  it('does not keep a failed read: the next caller reads again', async () => {
    let reads = 0
    const read = sharedRead(() => (++reads === 1 ? Promise.reject(new Error('admin down')) : Promise.resolve(reads)), {
      freshMs: 10_000,
    })
    await expect(read()).rejects.toThrow('admin down')
    expect(await read()).toBe(2)
  })

  it('freshMs 0 shares only reads started in the same millisecond', async () => {
    let clock = 0
    let reads = 0
    const read = sharedRead(() => Promise.resolve(++reads), { freshMs: 0, now: () => clock })
    expect(await Promise.all([read(), read()])).toEqual([1, 1])
    clock += 1
    expect(await read()).toBe(2)
  })
})
