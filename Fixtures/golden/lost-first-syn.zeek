#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-12-08-04-09-08
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1796702948.767044	CGR28BXeH4NipLKFih	10.99.0.1	42144	10.99.0.2	8013	tcp	-	1.305762	6	0	SF	-	-	0	ShADaFf	6	334	4	216	-	6
#close	2026-12-08-04-09-10
