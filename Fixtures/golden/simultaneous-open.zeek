#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-12-01-14-40-26
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1796136026.522819	CglG7RiMjX3P9wp0LU	10.99.0.1	6000	10.99.0.2	6001	tcp	-	-	-	-	S0	-	-	0	S	1	60	0	0	-	6
1796136026.522883	C1T7N4QF2N1L6pudtE	10.99.0.2	6001	10.99.0.1	6000	tcp	-	0.000035	0	0	S1	-	-	0	ShaA	3	184	2	124	-	6
#close	2026-12-01-14-40-26
