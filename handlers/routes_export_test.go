package handlers

// RouteAccess returns the route table as "METHOD /path" → access ("raw",
// "open", "pending" or "full"), for the route test of the external test
// package.
func (s *Server) RouteAccess() map[string]string {
	m := map[string]string{}
	for _, rt := range s.routeTable() {
		m[rt.method+" "+rt.path] = rt.access.String()
		if rt.method == "GET" {
			m["HEAD "+rt.path] = rt.access.String() // registered with its GET
		}
	}
	return m
}
