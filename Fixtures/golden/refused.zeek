#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-12-01-14-37-45
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1796135865.489113	CNnsI9y3zKr2kMfYvg	10.99.0.1	40127	10.99.0.2	9	tcp	-	0.000020	0	0	REJ	-	-	0	Sr	1	60	1	40	-	6
#close	2026-12-01-14-37-45
