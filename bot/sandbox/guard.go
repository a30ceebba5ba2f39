package sandbox

import (
	"net"
	"strings"
)

// LoopbackHost reports whether host (without its port) names this machine only: localhost, or a loopback IP
// (127.0.0.0/8, ::1).
func LoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
