import { describe, expect, it } from 'vitest'
import { hintNeedsCluster, needsCluster, programsOf } from './cluster-commands.ts'

const inClusterLab = { labNeedsCluster: true }
const inOfflineLab = { labNeedsCluster: false }

describe('programsOf', () => {
  it('finds the program of every simple command', () => {
    expect(programsOf('FOO=1 sudo kubectl get pods | grep web && echo ok')).toEqual(['kubectl', 'grep', 'echo'])
    expect(programsOf('for i in 1 2 3; do curl -s http://x/; done')).toEqual(['for', 'curl', 'done'])
    expect(programsOf('export H=$(kubectl get svc -o name)')).toEqual(['export', 'kubectl'])
    expect(programsOf('/usr/local/bin/istioctl analyze')).toEqual(['istioctl'])
    expect(programsOf('openssl s_client -connect a:443')).toEqual(['openssl s_client'])
  })
})

describe('needsCluster', () => {
  it.each([
    ['kubectl -n istio-system get service istio-ingressgateway -o wide', inOfflineLab, true],
    ['kubectl apply -f ingress-findings.yaml', inClusterLab, true],
    ['echo "${INGRESS_HOST:-localhost}"; istioctl proxy-config routes deploy/x', inClusterLab, true],
    ['curl -sv -H "Host: hipster.localhost" http://localhost/ -o /dev/null', inClusterLab, true],
    ['curl -s https://example.org', inOfflineLab, false],
    ['openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -subj /CN=x', inClusterLab, false],
    ['echo hi-$((6*7))', inClusterLab, false],
    ['sed -i s/a/b/ gateway.yaml', inClusterLab, false],
  ])('%s → %s', (script, opts, expected) => {
    expect(needsCluster(script, opts)).toBe(expected)
  })
})

describe('hintNeedsCluster', () => {
  it('looks only at the commands a hint quotes', () => {
    expect(
      hintNeedsCluster('Look at the Service: `kubectl -n istio-system get service x -o yaml`.', inClusterLab),
    ).toBe(true)
    expect(hintNeedsCluster('Send `curl http://hipster.localhost`.', inClusterLab)).toBe(true)
    expect(hintNeedsCluster('Run `ls ~` to see whether it is there.', inClusterLab)).toBe(false)
    expect(hintNeedsCluster('Which kubectl command shows it?', inClusterLab)).toBe(false)
  })
})
