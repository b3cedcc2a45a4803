import { describe, expect, it } from 'vitest';
import { makePod, makeService, makeSlice, type ServiceOptions } from '../network/testing.js';
import { buildIptablesRules } from './iptables-rules.js';
import { iptablesSave } from './iptables-save.js';
import { ipvsadmList } from './ipvs.js';
import { buildServicePorts, slicesByService } from './service-ports.js';

const T = Date.UTC(2026, 0, 1);
const a = makePod('a', { node: 'n1', ip: '100.96.1.2', labels: { app: 'x' } });
const b = makePod('b', { node: 'n2', ip: '100.96.2.2', labels: { app: 'x' } });

function rulesFor(name: string, o: ServiceOptions, pods: ReturnType<typeof makePod>[], table: 'nat' | 'filter' = 'nat'): string {
  const svc = makeService(name, o);
  const ports = buildServicePorts([svc], slicesByService([makeSlice(svc, pods)]), 'n1');
  const text = iptablesSave(buildIptablesRules(ports, { clusterCIDR: '100.96.0.0/16' }), T, table);
  // Drop the fixed preamble every table has, keep the Service's own lines.
  return text
    .split('\n')
    .filter((l) => /KUBE-(SVC|SVL|SEP|EXT|FW)-|has no|loadbalancer|NODEPORTS -/.test(l) && !l.startsWith(':KUBE-NODEPORTS'))
    .join('\n');
}

describe('iptables rules (golden iptables-save text)', () => {
  it('ClusterIP with two endpoints: 1/2 then the rest', () => {
    expect(rulesFor('web', { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }, [a, b])).toMatchInlineSnapshot(`
      ":KUBE-SEP-R6GPABG3I4E6UDFU - [0:0]
      :KUBE-SEP-VTTUSSKJV6IDBBSU - [0:0]
      :KUBE-SVC-CDGGSHYLG3RE2FKL - [0:0]
      -A KUBE-SEP-R6GPABG3I4E6UDFU -s 100.96.1.2/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
      -A KUBE-SEP-R6GPABG3I4E6UDFU -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 100.96.1.2:8080
      -A KUBE-SEP-VTTUSSKJV6IDBBSU -s 100.96.2.2/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
      -A KUBE-SEP-VTTUSSKJV6IDBBSU -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 100.96.2.2:8080
      -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL
      -A KUBE-SVC-CDGGSHYLG3RE2FKL ! -s 100.96.0.0/16 -d 10.96.0.20/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
      -A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 100.96.1.2:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-R6GPABG3I4E6UDFU
      -A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 100.96.2.2:8080" -j KUBE-SEP-VTTUSSKJV6IDBBSU"
    `);
  });

  it('NodePort with ClientIP affinity', () => {
    expect(rulesFor('web', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }], sessionAffinity: 'ClientIP' }, [a, b])).toMatchInlineSnapshot(`
      ":KUBE-EXT-LOLE4ISW44XBNF3G - [0:0]
      :KUBE-SEP-HFA272LYHA6KLEZG - [0:0]
      :KUBE-SEP-Z7BVWIPGWLOKZBMC - [0:0]
      :KUBE-SVC-LOLE4ISW44XBNF3G - [0:0]
      -A KUBE-EXT-LOLE4ISW44XBNF3G -m comment --comment "masquerade traffic for default/web external destinations" -j KUBE-MARK-MASQ
      -A KUBE-EXT-LOLE4ISW44XBNF3G -j KUBE-SVC-LOLE4ISW44XBNF3G
      -A KUBE-NODEPORTS -p tcp -m comment --comment "default/web" -m tcp --dport 30080 -j KUBE-EXT-LOLE4ISW44XBNF3G
      -A KUBE-SEP-HFA272LYHA6KLEZG -s 100.96.2.2/32 -m comment --comment "default/web" -j KUBE-MARK-MASQ
      -A KUBE-SEP-HFA272LYHA6KLEZG -p tcp -m comment --comment "default/web" -m recent --set --name KUBE-SEP-HFA272LYHA6KLEZG --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 100.96.2.2:8080
      -A KUBE-SEP-Z7BVWIPGWLOKZBMC -s 100.96.1.2/32 -m comment --comment "default/web" -j KUBE-MARK-MASQ
      -A KUBE-SEP-Z7BVWIPGWLOKZBMC -p tcp -m comment --comment "default/web" -m recent --set --name KUBE-SEP-Z7BVWIPGWLOKZBMC --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 100.96.1.2:8080
      -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-LOLE4ISW44XBNF3G
      -A KUBE-SVC-LOLE4ISW44XBNF3G ! -s 100.96.0.0/16 -d 10.96.0.20/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
      -A KUBE-SVC-LOLE4ISW44XBNF3G -m comment --comment "default/web -> 100.96.1.2:8080" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-Z7BVWIPGWLOKZBMC --mask 255.255.255.255 --rsource -j KUBE-SEP-Z7BVWIPGWLOKZBMC
      -A KUBE-SVC-LOLE4ISW44XBNF3G -m comment --comment "default/web -> 100.96.2.2:8080" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-HFA272LYHA6KLEZG --mask 255.255.255.255 --rsource -j KUBE-SEP-HFA272LYHA6KLEZG
      -A KUBE-SVC-LOLE4ISW44XBNF3G -m comment --comment "default/web -> 100.96.1.2:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-Z7BVWIPGWLOKZBMC
      -A KUBE-SVC-LOLE4ISW44XBNF3G -m comment --comment "default/web -> 100.96.2.2:8080" -j KUBE-SEP-HFA272LYHA6KLEZG"
    `);
  });

  it('no endpoints: REJECT in the filter table', () => {
    expect(rulesFor('none', { clusterIP: '10.96.0.21', type: 'NodePort', ports: [{ port: 80, nodePort: 30081 }] }, [], 'filter')).toMatchInlineSnapshot(`
      "-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/none has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30081 -j REJECT --reject-with icmp-port-unreachable
      -A KUBE-SERVICES -d 10.96.0.21/32 -p tcp -m comment --comment "default/none has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable"
    `);
  });

  it('LoadBalancer with externalTrafficPolicy Local and a local endpoint', () => {
    expect(rulesFor('lb', { clusterIP: '10.96.0.22', type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30082 }], externalTrafficPolicy: 'Local', loadBalancerIPs: ['203.0.113.9'] }, [a, b])).toMatchInlineSnapshot(`
      ":KUBE-EXT-7TVXROIT6UXCX2AG - [0:0]
      :KUBE-SEP-BI32RPTUZENZW4QQ - [0:0]
      :KUBE-SEP-EBEXOM7OQMVHB3VA - [0:0]
      :KUBE-SVC-7TVXROIT6UXCX2AG - [0:0]
      :KUBE-SVL-7TVXROIT6UXCX2AG - [0:0]
      -A KUBE-EXT-7TVXROIT6UXCX2AG -s 100.96.0.0/16 -m comment --comment "pod traffic for default/lb external destinations" -j KUBE-SVC-7TVXROIT6UXCX2AG
      -A KUBE-EXT-7TVXROIT6UXCX2AG -m comment --comment "masquerade LOCAL traffic for default/lb external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
      -A KUBE-EXT-7TVXROIT6UXCX2AG -m comment --comment "route LOCAL traffic for default/lb external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-7TVXROIT6UXCX2AG
      -A KUBE-EXT-7TVXROIT6UXCX2AG -j KUBE-SVL-7TVXROIT6UXCX2AG
      -A KUBE-NODEPORTS -p tcp -m comment --comment "default/lb" -m tcp --dport 30082 -j KUBE-EXT-7TVXROIT6UXCX2AG
      -A KUBE-SEP-BI32RPTUZENZW4QQ -s 100.96.1.2/32 -m comment --comment "default/lb" -j KUBE-MARK-MASQ
      -A KUBE-SEP-BI32RPTUZENZW4QQ -p tcp -m comment --comment "default/lb" -m tcp -j DNAT --to-destination 100.96.1.2:80
      -A KUBE-SEP-EBEXOM7OQMVHB3VA -s 100.96.2.2/32 -m comment --comment "default/lb" -j KUBE-MARK-MASQ
      -A KUBE-SEP-EBEXOM7OQMVHB3VA -p tcp -m comment --comment "default/lb" -m tcp -j DNAT --to-destination 100.96.2.2:80
      -A KUBE-SERVICES -d 10.96.0.22/32 -p tcp -m comment --comment "default/lb cluster IP" -m tcp --dport 80 -j KUBE-SVC-7TVXROIT6UXCX2AG
      -A KUBE-SERVICES -d 203.0.113.9/32 -p tcp -m comment --comment "default/lb loadbalancer IP" -m tcp --dport 80 -j KUBE-EXT-7TVXROIT6UXCX2AG
      -A KUBE-SVC-7TVXROIT6UXCX2AG ! -s 100.96.0.0/16 -d 10.96.0.22/32 -p tcp -m comment --comment "default/lb cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
      -A KUBE-SVC-7TVXROIT6UXCX2AG -m comment --comment "default/lb -> 100.96.1.2:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-BI32RPTUZENZW4QQ
      -A KUBE-SVC-7TVXROIT6UXCX2AG -m comment --comment "default/lb -> 100.96.2.2:80" -j KUBE-SEP-EBEXOM7OQMVHB3VA
      -A KUBE-SVL-7TVXROIT6UXCX2AG -m comment --comment "default/lb -> 100.96.1.2:80" -j KUBE-SEP-BI32RPTUZENZW4QQ"
    `);
  });

  it('externalTrafficPolicy Local without a local endpoint drops external traffic', () => {
    expect(rulesFor('lb', { clusterIP: '10.96.0.22', type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30082 }], externalTrafficPolicy: 'Local', loadBalancerIPs: ['203.0.113.9'] }, [b], 'filter')).toMatchInlineSnapshot(`
      "-A KUBE-EXTERNAL-SERVICES -d 203.0.113.9/32 -p tcp -m comment --comment "default/lb has no local endpoints" -m tcp --dport 80 -j DROP
      -A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/lb has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30082 -j DROP"
    `);
  });

  it('internalTrafficPolicy Local uses the local chain for the cluster IP', () => {
    expect(rulesFor('itp', { clusterIP: '10.96.0.23', ports: [{ port: 80 }], internalTrafficPolicy: 'Local' }, [a, b])).toMatchInlineSnapshot(`
      ":KUBE-SEP-NBEI5RQ4JZV3R5TR - [0:0]
      :KUBE-SVL-SQZ6YVT2FGD2HOFE - [0:0]
      -A KUBE-SEP-NBEI5RQ4JZV3R5TR -s 100.96.1.2/32 -m comment --comment "default/itp" -j KUBE-MARK-MASQ
      -A KUBE-SEP-NBEI5RQ4JZV3R5TR -p tcp -m comment --comment "default/itp" -m tcp -j DNAT --to-destination 100.96.1.2:80
      -A KUBE-SERVICES -d 10.96.0.23/32 -p tcp -m comment --comment "default/itp cluster IP" -m tcp --dport 80 -j KUBE-SVL-SQZ6YVT2FGD2HOFE
      -A KUBE-SVL-SQZ6YVT2FGD2HOFE -m comment --comment "default/itp -> 100.96.1.2:80" -j KUBE-SEP-NBEI5RQ4JZV3R5TR"
    `);
  });

  it('the whole nat table of a node with one Service', () => {
    const svc = makeService('web', { clusterIP: '10.96.0.20', ports: [{ port: 80 }] });
    const ports = buildServicePorts([svc], slicesByService([makeSlice(svc, [a])]), 'n1');
    expect(iptablesSave(buildIptablesRules(ports, { clusterCIDR: '100.96.0.0/16' }), T, 'nat')).toMatchInlineSnapshot(`
      "# Generated by iptables-save v1.8.9 on Thu Jan  1 00:00:00 2026
      *nat
      :PREROUTING ACCEPT [0:0]
      :INPUT ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      :POSTROUTING ACCEPT [0:0]
      :KUBE-MARK-MASQ - [0:0]
      :KUBE-NODEPORTS - [0:0]
      :KUBE-POSTROUTING - [0:0]
      :KUBE-SEP-LKR2QF5FT25YWSHR - [0:0]
      :KUBE-SERVICES - [0:0]
      :KUBE-SVC-LOLE4ISW44XBNF3G - [0:0]
      -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
      -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
      -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
      -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
      -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
      -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
      -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
      -A KUBE-SEP-LKR2QF5FT25YWSHR -s 100.96.1.2/32 -m comment --comment "default/web" -j KUBE-MARK-MASQ
      -A KUBE-SEP-LKR2QF5FT25YWSHR -p tcp -m comment --comment "default/web" -m tcp -j DNAT --to-destination 100.96.1.2:80
      -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-LOLE4ISW44XBNF3G
      -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
      -A KUBE-SVC-LOLE4ISW44XBNF3G ! -s 100.96.0.0/16 -d 10.96.0.20/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
      -A KUBE-SVC-LOLE4ISW44XBNF3G -m comment --comment "default/web -> 100.96.1.2:80" -j KUBE-SEP-LKR2QF5FT25YWSHR
      COMMIT
      # Completed on Thu Jan  1 00:00:00 2026
      "
    `);
  });

  it('ipvsadm -Ln', () => {
    const svc = makeService('web', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }], sessionAffinity: 'ClientIP' });
    const ports = buildServicePorts([svc], slicesByService([makeSlice(svc, [a, b])]), 'n1');
    expect(ipvsadmList(ports, ['10.0.0.11'])).toMatchInlineSnapshot(`
      "IP Virtual Server version 1.2.1 (size=4096)
      Prot LocalAddress:Port Scheduler Flags
        -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
      TCP  10.0.0.11:30080 rr persistent 10800
        -> 100.96.1.2:8080              Masq    1      0          0
        -> 100.96.2.2:8080              Masq    1      0          0
      TCP  10.96.0.20:80 rr persistent 10800
        -> 100.96.1.2:8080              Masq    1      0          0
        -> 100.96.2.2:8080              Masq    1      0          0
      "
    `);
  });
});
