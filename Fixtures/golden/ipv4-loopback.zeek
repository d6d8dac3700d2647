#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-12-01-14-37-32
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	ip_proto
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	count
1796135852.837989	CvxuRpH9nhi1NBHHnc	127.0.0.1	57766	127.0.0.1	8080	tcp	-	0.351450	6	15	SF	-	-	0	ShADadFf	6	326	5	283	-	6
#close	2026-12-01-14-37-33
