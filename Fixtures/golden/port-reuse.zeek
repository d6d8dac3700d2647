#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-11-25-02-37-24
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1795574244.747300	Csa6XdSW8buQfq5UH8	10.99.0.1	45000	10.99.0.2	8004	tcp	-	0.351264	6	15	SF	-	-	0	ShADadfF	6	326	5	283	-	6
1795574245.299052	CxZPuJwjAAvi2HPYOV	10.99.0.1	45000	10.99.0.2	8004	tcp	-	0.351263	6	15	SF	-	-	0	ShADadFf	6	326	5	283	-	6
#close	2026-11-25-02-37-25
