// Command xdsprobe holds one ADS (SotW) stream to istiod's plaintext gRPC port as a given proxy node,
// ACKs every response and prints one JSON line per response; it subscribes to RDS names found in LDS.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sort"
	"syscall"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	typeCDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
	typeLDS = "type.googleapis.com/envoy.config.listener.v3.Listener"
	typeRDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
)

type line struct {
	Type      string   `json:"type"`
	Version   string   `json:"version"`
	Resources int      `json:"resources"`
	Routes    []string `json:"routes,omitempty"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:15010", "istiod plaintext xDS address")
	node := flag.String("node", "", "proxy node id, e.g. router~10.0.0.1~istio-ingressgateway-x.istio-system~istio-system.svc.cluster.local")
	meta := flag.String("meta", "{}", "node metadata as a JSON object (ISTIO_VERSION, NAMESPACE, CLUSTER_ID, LABELS, ...)")
	flag.Parse()
	md := map[string]any{}
	if err := json.Unmarshal([]byte(*meta), &md); err != nil {
		log.Fatalf("-meta: %v", err)
	}
	metadata, err := structpb.NewStruct(md)
	if err != nil {
		log.Fatalf("-meta: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, &core.Node{Id: *node, Metadata: metadata}); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, addr string, node *core.Node) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return err
	}
	for _, t := range []string{typeCDS, typeLDS} {
		if err := stream.Send(&discovery.DiscoveryRequest{Node: node, TypeUrl: t}); err != nil {
			return err
		}
	}
	routes := []string{}
	out := json.NewEncoder(os.Stdout)
	for {
		res, err := stream.Recv()
		if err != nil {
			return err
		}
		ack := &discovery.DiscoveryRequest{Node: node, TypeUrl: res.TypeUrl, VersionInfo: res.VersionInfo, ResponseNonce: res.Nonce}
		if res.TypeUrl == typeRDS {
			ack.ResourceNames = routes
		}
		if err := stream.Send(ack); err != nil {
			return err
		}
		l := line{Type: res.TypeUrl, Version: res.VersionInfo, Resources: len(res.Resources)}
		if res.TypeUrl == typeLDS {
			l.Routes = routeNames(res)
			if fmt.Sprint(l.Routes) != fmt.Sprint(routes) {
				routes = l.Routes
				if err := stream.Send(&discovery.DiscoveryRequest{Node: node, TypeUrl: typeRDS, ResourceNames: routes}); err != nil {
					return err
				}
			}
		}
		if err := out.Encode(l); err != nil {
			return err
		}
	}
}

// routeNames collects the RDS route configuration names referenced by the listeners' HTTP managers.
func routeNames(res *discovery.DiscoveryResponse) []string {
	seen := map[string]bool{}
	for _, resource := range res.Resources {
		l := &listener.Listener{}
		if err := resource.UnmarshalTo(l); err != nil {
			continue
		}
		for _, chain := range l.FilterChains {
			for _, f := range chain.Filters {
				m := &hcm.HttpConnectionManager{}
				if f.GetTypedConfig() == nil || f.GetTypedConfig().UnmarshalTo(m) != nil {
					continue
				}
				if rds := m.GetRds(); rds != nil {
					seen[rds.RouteConfigName] = true
				}
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
