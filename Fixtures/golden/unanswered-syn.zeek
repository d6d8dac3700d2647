#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-12-01-14-37-46
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1796135866.425536	C8c86q21IcbkFpN9NN	10.99.0.1	50606	10.99.0.2	9000	tcp	-	4.097217	0	0	S0	-	-	0	S	5	300	0	0	-	6
#close	2026-12-01-14-37-50
