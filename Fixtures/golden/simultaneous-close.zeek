#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-12-01-14-40-28
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1796136028.389276	C9f1xC20XPfyLpDXnY	10.99.0.1	43582	10.99.0.2	8002	tcp	-	0.265528	0	0	SF	-	-	0	ShAFfa	4	216	3	164	-	6
#close	2026-12-01-14-40-28
