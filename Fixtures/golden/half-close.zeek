#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-11-25-02-35-17
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1795574117.690834	CgfMsRdNmS6xIFHUrn	10.99.0.1	47206	10.99.0.2	8000	tcp	-	0.300970	0	900	S2	-	-	0	ShAFad	6	320	5	1168	-	6
#close	2026-11-25-02-35-17
