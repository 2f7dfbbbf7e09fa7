// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * ADD_PEER, DEL_PEER and the GET_PEERS dump: see peer.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <sodium.h>

#include "peer.h"
#include "seal.h"

static int talk_peer(struct agi_nl *nl, u8 cmd, const struct agi_peer_req *p)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, cmd);
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, AGISWARM_A_PEER);
	mnl_attr_put_u8(nlh, AGISWARM_PEER_A_KIND, p->kind);
	mnl_attr_put_u32(nlh, AGISWARM_PEER_A_ID, p->id);
	if (p->ep.len)
		mnl_attr_put(nlh, AGISWARM_PEER_A_ENDPOINT, p->ep.len,
			     &p->ep.addr);
	if (p->health >= 0)
		mnl_attr_put_u8(nlh, AGISWARM_PEER_A_HEALTH, (u8)p->health);
	if (p->has_rank)
		mnl_attr_put_u8(nlh, AGISWARM_PEER_A_RANK, p->rank);
	if (p->has_pubkey)
		mnl_attr_put(nlh, AGISWARM_PEER_A_PUBKEY, AGISWARM_PUBKEY_LEN,
			     p->pubkey);
	mnl_attr_nest_end(nlh, nest);
	return agi_nl_talk(nl, nlh, NULL, NULL);
}

int agi_peer_add(struct agi_nl *nl, const struct agi_peer_req *p)
{
	return talk_peer(nl, AGISWARM_CMD_ADD_PEER, p);
}

int agi_peer_del(struct agi_nl *nl, u8 kind, u32 id)
{
	struct agi_peer_req p = { .kind = kind, .id = id, .health = -1 };

	return talk_peer(nl, AGISWARM_CMD_DEL_PEER, &p);
}

static int peer_attr_cb(const struct nlattr *a, void *data)
{
	struct agi_peer *p = data;
	size_t len = mnl_attr_get_payload_len(a);
	int ret = MNL_CB_OK;
	u64 v = 0;

	switch (mnl_attr_get_type(a)) {
	case AGISWARM_PEER_A_KIND:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->kind = (u8)v;
		break;
	case AGISWARM_PEER_A_ID:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->id = (u32)v;
		break;
	case AGISWARM_PEER_A_ENDPOINT:
		if (len <= sizeof(p->ep.addr)) {
			memcpy(&p->ep.addr, mnl_attr_get_payload(a), len);
			p->ep.len = len;
		}
		break;
	case AGISWARM_PEER_A_ROWS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->rows = (u32)v;
		p->has_stats = true;
		break;
	case AGISWARM_PEER_A_GEN:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->gen = (u32)v;
		break;
	case AGISWARM_PEER_A_RESULTS:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->results);
		break;
	case AGISWARM_PEER_A_MISSED:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->missed);
		break;
	case AGISWARM_PEER_A_LAST_CYCLE:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->last_cycle);
		break;
	case AGISWARM_PEER_A_INCONSISTENT:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->inconsistent);
		break;
	case AGISWARM_PEER_A_FAULT_KIND:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->fault_kind = (u8)v;
		p->has_fault = true;
		break;
	case AGISWARM_PEER_A_FAULT_VALUE:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->fault_value = (u32)v;
		break;
	case AGISWARM_PEER_A_HEALTH:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->health = (u8)v;
		p->has_health = true;
		break;
	case AGISWARM_PEER_A_RANK:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->rank = (u8)v;
		p->has_rank = true;
		break;
	case AGISWARM_PEER_A_PUBKEY:
		if (len == AGISWARM_PUBKEY_LEN) {
			memcpy(p->pubkey, mnl_attr_get_payload(a), len);
			p->has_pubkey = true;
		}
		break;
	case AGISWARM_PEER_A_LINK_RX:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->link_rx);
		break;
	case AGISWARM_PEER_A_LINK_TX:
		ret = agi_attr_get_uint(a, MNL_TYPE_U64, &p->link_tx);
		break;
	case AGISWARM_PEER_A_KEY_AGE:
		ret = agi_attr_get_uint(a, MNL_TYPE_U32, &v);
		p->key_age = (u32)v;
		p->has_key = true;
		break;
	case AGISWARM_PEER_A_KEY_MODE:
		ret = agi_attr_get_uint(a, MNL_TYPE_U8, &v);
		p->key_mode = (u8)v;
		break;
	}
	return ret;
}

static const struct nlattr *find_peer_nest(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == AGISWARM_A_PEER &&
		    mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
			return a;
	return NULL;
}

static int peer_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *nest = find_peer_nest(nlh);
	struct agi_peer_list *l = data;
	struct agi_peer *grown, *p;

	if (!nest)
		return MNL_CB_OK;
	grown = agi_grow_rows(l->peers, l->n, &l->cap, sizeof(*grown), 16);
	if (!grown)
		return MNL_CB_ERROR;
	l->peers = grown;
	p = &l->peers[l->n];
	memset(p, 0, sizeof(*p));
	if (mnl_attr_parse_nested(nest, peer_attr_cb, p) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	l->n++;
	return MNL_CB_OK;
}

int agi_peers_get(struct agi_nl *nl, struct agi_peer_list *l)
{
	char buf[AGI_NL_BUF_SIZE];

	return agi_nl_talk(nl, agi_nl_dump(nl, buf, AGISWARM_CMD_GET_PEERS),
			   peer_cb, l);
}

int agi_key_set(struct agi_nl *nl, const u8 pubkey[AGISWARM_PUBKEY_LEN],
		const struct agi_key_req *k)
{
	char buf[AGI_NL_BUF_SIZE];
	struct nlmsghdr *nlh = agi_nl_request(nl, buf, AGISWARM_CMD_SET_KEY);
	struct nlattr *nest;
	int ret;

	nest = mnl_attr_nest_start(nlh, AGISWARM_A_PEER);
	mnl_attr_put(nlh, AGISWARM_PEER_A_PUBKEY, AGISWARM_PUBKEY_LEN, pubkey);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, AGISWARM_A_KEY);
	mnl_attr_put_u32(nlh, AGISWARM_KEY_A_LOCAL_INDEX, k->local_index);
	mnl_attr_put_u32(nlh, AGISWARM_KEY_A_REMOTE_INDEX, k->remote_index);
	mnl_attr_put(nlh, AGISWARM_KEY_A_RX, AGISWARM_SEAL_KEY_LEN, k->rx);
	mnl_attr_put(nlh, AGISWARM_KEY_A_TX, AGISWARM_SEAL_KEY_LEN, k->tx);
	mnl_attr_put_u64(nlh, AGISWARM_KEY_A_TX_COUNTER, k->tx_counter);
	mnl_attr_put_u8(nlh, AGISWARM_KEY_A_MODE, k->mode);
	mnl_attr_nest_end(nlh, nest);
	ret = agi_nl_talk(nl, nlh, NULL, NULL);
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

int agi_key_set_psk(struct agi_nl *nl, const u8 psk[32],
		    const u8 self[AGISWARM_PUBKEY_LEN],
		    const u8 peer[AGISWARM_PUBKEY_LEN])
{
	struct agi_session s;
	struct agi_key_req k = { .mode = AGISWARM_KEY_STATIC };
	int ret;

	ret = agi_psk_session(&s, psk, self, peer);
	if (ret)
		return ret;
	k.local_index = s.local_index;
	k.remote_index = s.remote_index;
	memcpy(k.rx, s.rx, sizeof(k.rx));
	memcpy(k.tx, s.tx, sizeof(k.tx));
	k.tx_counter = s.tx_counter;
	agi_session_wipe(&s);
	ret = agi_key_set(nl, peer, &k);
	sodium_memzero(&k, sizeof(k));
	return ret;
}

void agi_peer_list_free(struct agi_peer_list *l)
{
	free(l->peers);
	memset(l, 0, sizeof(*l));
}
