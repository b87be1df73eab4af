// The data plane's network: network namespaces the harness creates and deletes (root only).
//   host ──veth── <id>-gw (the gateway pod's IP; forwards) ──veth── <id>-pods (every other pod IP)
//                    └──veth── <id>-k<n> (one per Kubernetes Gateway pod: its IP; added and removed
//                                         while the harness runs, see gateway-proxies.ts)
// kwok hands out pod IPs from a /16 that only this harness routes (host → gw → pods), so Envoy
// reaches real backends at the IPs in the EndpointSlices and test traffic never leaves the machine.
// Nothing outside these namespaces changes except one host route and one host veth, both removed
// with the namespaces.
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface PodNetwork {
  /** Namespace holding the gateway pod's IP (pilot-agent and Envoy run here). */
  gatewayNs: string
  /** Namespace holding every other pod IP (the backends run here). */
  podsNs: string
  /** The host's end of the gateway link; istiod's secure gRPC listens here. */
  hostIp: string
  /** kwok's --cidr: pod IPs come from this /16. */
  kwokCidr: string
  /** True when `ip` belongs to this network's pod range. */
  owns(ip: string): boolean
  /** Makes `ip` local to the gateway namespace. */
  addGatewayIp(ip: string): Promise<void>
  /** Makes `ip` local to the pods namespace (idempotent). */
  addPodIp(ip: string): Promise<void>
  removePodIp(ip: string): Promise<void>
  /**
   * A namespace of its own for one more proxy pod (a Kubernetes Gateway's deployment, whose Envoy
   * binds the listener ports and 15000/15020/15021/15090 on 0.0.0.0): `ip` is local there, routed
   * host → gw → it, and it reaches the pods namespace and the host through gw.
   */
  addProxyNamespace(ip: string): Promise<ProxyNamespace>
  /** Deletes every namespace (and with them the veths and the host route). */
  remove(): Promise<void>
}

export interface ProxyNamespace {
  name: string
  ip: string
  /** Deletes the namespace (its veth and the gw route to `ip` go with it). */
  remove(): Promise<void>
}

/** Proxy namespaces at once: their links take 10.X.255.8/30, .12/30, ... up to .252/30. */
const proxySlots = 61

/** Namespaces that exist right now, for a synchronous cleanup at process exit. */
const liveNamespaces = new Set<string>()

/** For 'exit' handlers: deletes every namespace this process created. */
export function removeNetworksSync(): void {
  for (const ns of liveNamespaces) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
    } catch {
      // Already gone.
    }
  }
  liveNamespaces.clear()
}

async function ip(args: string[]): Promise<void> {
  try {
    await execFileAsync('ip', args)
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim() ?? String(err)
    throw new Error(`ip ${args.join(' ')} failed: ${stderr}`)
  }
}

const inNs = (ns: string, args: string[]): Promise<void> => ip(['-n', ns, ...args])

/** A free 10.X.0.0/16 (X in 200..249) that no host route or address overlaps. */
async function freeSecondOctet(): Promise<number> {
  const { stdout } = await execFileAsync('ip', ['-4', '-o', 'route', 'show', 'table', 'all'])
  const { stdout: addrs } = await execFileAsync('ip', ['-4', '-o', 'addr', 'show'])
  const used = `${stdout}\n${addrs}`
  const start = 200 + (process.pid % 50)
  for (let i = 0; i < 50; i += 1) {
    const x = 200 + ((start - 200 + i) % 50)
    if (!new RegExp(`\\b10\\.${x}\\.`).test(used)) {
      return x
    }
  }
  throw new Error('no free 10.X.0.0/16 (X in 200..249) for the data plane network')
}

/** Our namespace names: `kl-<creator pid, base 36>-<random>-gw|pods|k<slot>`. */
const ownName = /^kl-([0-9a-z]{1,6})-[0-9a-f]{2}-(gw|pods|k\d{1,2})$/

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Deletes namespaces a killed harness left behind (SIGKILL skips every cleanup): ours by name, whose
 * creator process is gone. Their veths and host route go with them.
 */
async function removeLeftovers(): Promise<void> {
  const { stdout } = await execFileAsync('ip', ['netns', 'list'])
  for (const name of stdout.split('\n').map((l) => l.split(' ')[0] ?? '')) {
    const match = ownName.exec(name)
    if (match?.[1] && !alive(parseInt(match[1], 36))) {
      await ip(['netns', 'del', name]).catch(() => undefined)
    }
  }
}

/** Creates the two namespaces and the links between them. Needs root (CAP_NET_ADMIN). */
export async function createPodNetwork(): Promise<PodNetwork> {
  if (process.getuid?.() !== 0) {
    throw new Error('the data plane needs root: it creates network namespaces (ip netns add)')
  }
  await removeLeftovers()
  const x = await freeSecondOctet()
  // At most 11 characters, so the veth names (id + one letter) stay within Linux's 15.
  const id = `kl-${process.pid.toString(36)}-${randomBytes(1).toString('hex')}`
  const gatewayNs = `${id}-gw`
  const podsNs = `${id}-pods`
  const net = `10.${x}`
  const link = { host: `${net}.255.1`, gwUp: `${net}.255.2`, gwDown: `${net}.255.5`, pods: `${net}.255.6` }
  const proxies = new Map<number, string>()
  const removeNs = async (ns: string): Promise<void> => {
    await ip(['netns', 'del', ns]).catch(() => undefined)
    liveNamespaces.delete(ns)
  }
  const created: PodNetwork = {
    gatewayNs,
    podsNs,
    hostIp: link.host,
    kwokCidr: `${net}.0.1/16`,
    owns: (addr) => addr.startsWith(`${net}.`) && !addr.startsWith(`${net}.255.`),
    addGatewayIp: (addr) => inNs(gatewayNs, ['addr', 'replace', `${addr}/32`, 'dev', 'lo']),
    addPodIp: (addr) => inNs(podsNs, ['addr', 'replace', `${addr}/32`, 'dev', 'lo']),
    removePodIp: (addr) => inNs(podsNs, ['addr', 'del', `${addr}/32`, 'dev', 'lo']).catch(() => undefined),
    async addProxyNamespace(addr) {
      const slot = [...Array(proxySlots).keys()].find((n) => !proxies.has(n))
      if (slot === undefined) {
        throw new Error(`more than ${proxySlots} proxy namespaces at once`)
      }
      const name = `${id}-k${slot}`
      proxies.set(slot, name)
      // veth names: id (at most 11) + one letter + the slot (at most 2 digits), within Linux's 15.
      const [outer, inner] = [`${id}x${slot}`, `${id}y${slot}`]
      const base = 8 + 4 * slot
      const [gwSide, proxySide] = [`${net}.255.${base + 1}`, `${net}.255.${base + 2}`]
      const remove = async (): Promise<void> => {
        await removeNs(name)
        proxies.delete(slot)
      }
      try {
        await ip(['netns', 'add', name])
        liveNamespaces.add(name)
        await inNs(name, ['link', 'set', 'lo', 'up'])
        await inNs(name, ['addr', 'add', `${addr}/32`, 'dev', 'lo'])
        await ip(['link', 'add', outer, 'netns', gatewayNs, 'type', 'veth', 'peer', 'name', inner, 'netns', name])
        await inNs(gatewayNs, ['addr', 'add', `${gwSide}/30`, 'dev', outer])
        await inNs(gatewayNs, ['link', 'set', outer, 'up'])
        await inNs(name, ['addr', 'add', `${proxySide}/30`, 'dev', inner])
        await inNs(name, ['link', 'set', inner, 'up'])
        // The pod IP is more specific than the /16 gw sends to pods; everything else leaves via gw.
        await inNs(gatewayNs, ['route', 'replace', `${addr}/32`, 'via', proxySide, 'dev', outer])
        await inNs(name, ['route', 'add', 'default', 'via', gwSide, 'dev', inner])
      } catch (err) {
        await remove()
        throw err
      }
      return { name, ip: addr, remove }
    },
    async remove() {
      for (const ns of [...proxies.values(), gatewayNs, podsNs]) {
        await removeNs(ns)
      }
      proxies.clear()
    },
  }
  try {
    for (const ns of [gatewayNs, podsNs]) {
      await ip(['netns', 'add', ns])
      liveNamespaces.add(ns)
      await inNs(ns, ['link', 'set', 'lo', 'up'])
    }
    // host <-> gw
    await ip(['link', 'add', `${id}h`, 'type', 'veth', 'peer', 'name', `${id}g`, 'netns', gatewayNs])
    await ip(['addr', 'add', `${link.host}/30`, 'dev', `${id}h`])
    await ip(['link', 'set', `${id}h`, 'up'])
    await inNs(gatewayNs, ['addr', 'add', `${link.gwUp}/30`, 'dev', `${id}g`])
    await inNs(gatewayNs, ['link', 'set', `${id}g`, 'up'])
    // gw <-> pods
    await ip(['link', 'add', `${id}p`, 'netns', gatewayNs, 'type', 'veth', 'peer', 'name', `${id}q`, 'netns', podsNs])
    await inNs(gatewayNs, ['addr', 'add', `${link.gwDown}/30`, 'dev', `${id}p`])
    await inNs(gatewayNs, ['link', 'set', `${id}p`, 'up'])
    await inNs(podsNs, ['addr', 'add', `${link.pods}/30`, 'dev', `${id}q`])
    await inNs(podsNs, ['link', 'set', `${id}q`, 'up'])
    // Routes: the host sends the pod range to gw; gw forwards it to pods (a per-namespace sysctl).
    await ip(['route', 'add', `${net}.0.0/16`, 'via', link.gwUp, 'dev', `${id}h`])
    await inNs(gatewayNs, ['route', 'add', `${net}.0.0/16`, 'via', link.pods, 'dev', `${id}p`])
    await inNs(gatewayNs, ['route', 'add', 'default', 'via', link.host, 'dev', `${id}g`])
    await inNs(podsNs, ['route', 'add', 'default', 'via', link.gwDown, 'dev', `${id}q`])
    await ip(['netns', 'exec', gatewayNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'])
  } catch (err) {
    await created.remove()
    throw err
  }
  return created
}
