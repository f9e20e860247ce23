"""Compiled loops over CSR adjacency (numba), for the metrics no library computes fast enough.

Co-attendance graphs are dense: every forum is a clique, so a city series of 500 forums
and 20,000 people has about eight million ties and an average degree near 900. Shortest
paths (Brandes) and ego-network quantities (Burt, Gould–Fernandez) are then loops over
neighbours of neighbours; written here once, in plain loops that numba compiles, and
checked against networkx on small graphs in the tests.

Inputs are CSR arrays of an undirected graph without self-loops (``indptr``, ``indices``,
``weights``); ``groups`` are small integer labels (sectors). Everything is deterministic:
parallel loops give each worker its own accumulator and add them up in a fixed order.
"""

import numpy as np
from numba import get_num_threads, njit, prange


@njit(cache=True, nogil=True)
def _brandes_from(source, indptr, indices, sigma, dist, delta, order, bc, harmonic):
    """One Brandes pass (unweighted BFS) from ``source``; adds into ``bc`` and ``harmonic``.

    Work arrays are reset only where the BFS touched them, so a pass costs O(reached ties).
    """
    sigma[source] = 1.0
    dist[source] = 0
    head = 0
    tail = 1
    order[0] = source
    while head < tail:
        v = order[head]
        head += 1
        dv = dist[v]
        for p in range(indptr[v], indptr[v + 1]):
            w = indices[p]
            if dist[w] < 0:
                dist[w] = dv + 1
                order[tail] = w
                tail += 1
            if dist[w] == dv + 1:
                sigma[w] += sigma[v]
    # Accumulate dependencies in reverse BFS order (Brandes 2001, eq. 6). Predecessors are
    # the neighbours one level closer to the source, found from the distances.
    for i in range(tail - 1, -1, -1):
        w = order[i]
        dw = dist[w]
        coefficient = (1.0 + delta[w]) / sigma[w]
        for p in range(indptr[w], indptr[w + 1]):
            v = indices[p]
            if dist[v] == dw - 1:
                delta[v] += sigma[v] * coefficient
        if w != source:
            bc[w] += delta[w]
            harmonic[w] += 1.0 / dw
    for i in range(tail):
        w = order[i]
        sigma[w] = 0.0
        dist[w] = -1
        delta[w] = 0.0


@njit(cache=True, parallel=True)
def brandes(indptr, indices, sources, n_threads):
    """Raw betweenness sums and harmonic sums from the given BFS sources.

    Returns ``(bc, harmonic, is_source)``; ``harmonic[v]`` sums 1/d(s, v) over the sources
    s != v. Rescaling (normalisation, sampling) is the caller's business.
    """
    n = indptr.shape[0] - 1
    bc_parts = np.zeros((n_threads, n))
    harmonic_parts = np.zeros((n_threads, n))
    chunk = (sources.shape[0] + n_threads - 1) // n_threads
    for t in prange(n_threads):
        sigma = np.zeros(n)
        # int32 distances: half the cache footprint of the array every edge visit reads.
        dist = np.full(n, -1, np.int32)
        delta = np.zeros(n)
        order = np.empty(n, np.int64)
        start = t * chunk
        stop = min(sources.shape[0], start + chunk)
        for i in range(start, stop):
            _brandes_from(
                sources[i],
                indptr,
                indices,
                sigma,
                dist,
                delta,
                order,
                bc_parts[t],
                harmonic_parts[t],
            )
    bc = np.zeros(n)
    harmonic = np.zeros(n)
    for t in range(n_threads):  # fixed order: the same sums on every run
        bc += bc_parts[t]
        harmonic += harmonic_parts[t]
    return bc, harmonic


@njit(cache=True, parallel=True)
def ego_structure(
    indptr, indices, weights, heavy_indptr, heavy_indices, heavy_excess,
    member_indptr, member_forums, n_forums, groups, n_groups, n_threads,
):  # fmt: skip
    """Burt's constraint and effective size, and tied neighbour pairs by group, per node.

    For ego i with proportional tie strengths p_ij = w_ij / s_i (s_i = sum_k w_ik):
      constraint_i = sum_j (p_ij + sum_q p_iq p_qj)^2                     (Burt 1992)
      effective_i  = sum_j (1 - sum_q p_iq m_jq), m_jq = w_jq / max_k w_jk  (Burt 1992)
    and ``tied_pairs[i, a, b]``: ordered pairs (j, q) of i's neighbours, tied to each
    other, j in group a and q in group b. With the neighbour counts per group this gives
    the untied pairs that Gould & Fernandez (1989) brokerage is made of.

    The graph is a co-attendance projection (w_jq = forums j and q attended together), so
    the sums over q go through forums instead of through neighbours of neighbours:
      sum_q w_iq w_qj / s_q = sum_{g in F(j)} (T_ig - w_ij / s_j),
      sum_q w_iq w_jq       = sum_{g in F(j)} (U_ig - w_ij),
    with T_ig = sum of w_iq / s_q and U_ig = sum of w_iq over i's neighbours q at forum g
    and tied pairs are the pairs met inside each forum, less the pairs met more than once
    (``heavy_*``: ties of weight >= 2 with excess w - 1). That turns the sum of squared
    degrees (3e10 steps for a city series) into a sum of degree × forums attended.
    """
    n = indptr.shape[0] - 1
    strength = np.zeros(n)
    inv_strength = np.zeros(n)
    max_weight = np.zeros(n)
    for v in range(n):
        for p in range(indptr[v], indptr[v + 1]):
            strength[v] += weights[p]
            if weights[p] > max_weight[v]:
                max_weight[v] = weights[p]
        if strength[v] > 0:
            inv_strength[v] = 1.0 / strength[v]
    constraint = np.full(n, np.nan)
    effective = np.full(n, np.nan)
    tied_pairs = np.zeros((n, n_groups, n_groups), np.int64)
    chunk = (n + n_threads - 1) // n_threads
    for t in prange(n_threads):
        through = np.zeros(n_forums)  # T_ig
        shared = np.zeros(n_forums)  # U_ig
        met = np.zeros((n_forums, n_groups), np.int64)  # |N(i) ∩ g ∩ group|
        touched = np.empty(n_forums, np.int64)
        is_touched = np.zeros(n_forums, np.bool_)
        neighbour = np.zeros(n, np.bool_)
        pairs = np.zeros((n_groups, n_groups), np.int64)
        for i in range(t * chunk, min(n, (t + 1) * chunk)):
            begin, end = indptr[i], indptr[i + 1]
            if begin == end:
                continue  # isolates: constraint and effective size are undefined
            n_touched = 0
            for p in range(begin, end):
                q = indices[p]
                neighbour[q] = True
                for a in range(member_indptr[q], member_indptr[q + 1]):
                    g = member_forums[a]
                    if not is_touched[g]:
                        is_touched[g] = True
                        touched[n_touched] = g
                        n_touched += 1
                    through[g] += weights[p] * inv_strength[q]
                    shared[g] += weights[p]
                    met[g, groups[q]] += 1
            c = 0.0
            e = 0.0
            s_i = strength[i]
            for p in range(begin, end):
                j = indices[p]
                w_ij = weights[p]
                sum_through = 0.0
                sum_shared = 0.0
                for a in range(member_indptr[j], member_indptr[j + 1]):
                    g = member_forums[a]
                    sum_through += through[g] - w_ij * inv_strength[j]
                    sum_shared += shared[g] - w_ij
                c += (w_ij / s_i + sum_through / s_i) ** 2
                e += 1.0 - sum_shared / (s_i * max_weight[j])
                # Ties met more than once, each pair once (heavy lists hold k > j only).
                gj = groups[j]
                for r in range(heavy_indptr[j], heavy_indptr[j + 1]):
                    k = heavy_indices[r]
                    if neighbour[k]:
                        gk = groups[k]
                        pairs[gj, gk] -= heavy_excess[r]
                        pairs[gk, gj] -= heavy_excess[r]
            constraint[i] = c
            effective[i] = e
            for x in range(n_touched):
                g = touched[x]
                for a in range(n_groups):
                    ca = met[g, a]
                    if ca == 0:
                        continue
                    pairs[a, a] -= ca  # ordered pairs exclude (j, j)
                    for b in range(n_groups):
                        pairs[a, b] += ca * met[g, b]
                through[g] = 0.0
                shared[g] = 0.0
                met[g, :] = 0
                is_touched[g] = False
            tied_pairs[i] = pairs
            pairs[:, :] = 0
            for p in range(begin, end):
                neighbour[indices[p]] = False
    return constraint, effective, tied_pairs


@njit(cache=True)
def tie_births(
    member_indptr, member_forums, forum_indptr, forum_members, groups, n_groups, unknown
):
    """Which forum created each tie, aggregated per forum and per pair of sectors.

    A tie is born at the first forum (in chronological rank) both people attended. Walking
    each person's forums in order, the first forum that brings j next to i (i < j) is the
    birth of tie (i, j). Returns ``new_ties[rank]``, ``new_cross[rank]`` (ties between two
    different known sectors) and ``first_link[a, b]``, the rank of the first tie between
    sectors a and b (-1: never). O(sum over forums of their size squared).
    """
    n_nodes = member_indptr.shape[0] - 1
    n_forums = forum_indptr.shape[0] - 1
    new_ties = np.zeros(n_forums, np.int64)
    new_cross = np.zeros(n_forums, np.int64)
    first_link = np.full((n_groups, n_groups), -1, np.int64)
    met = np.zeros(n_nodes, np.bool_)
    touched = np.empty(n_nodes, np.int64)
    for i in range(n_nodes):
        count = 0
        gi = groups[i]
        for a in range(member_indptr[i], member_indptr[i + 1]):
            f = member_forums[a]
            for b in range(forum_indptr[f], forum_indptr[f + 1]):
                j = forum_members[b]
                if j <= i or met[j]:
                    continue
                met[j] = True
                touched[count] = j
                count += 1
                new_ties[f] += 1
                gj = groups[j]
                if gi != gj and gi != unknown and gj != unknown:
                    new_cross[f] += 1
                    if first_link[gi, gj] < 0 or f < first_link[gi, gj]:
                        first_link[gi, gj] = f
                        first_link[gj, gi] = f
        for c in range(count):
            met[touched[c]] = False
    return new_ties, new_cross, first_link


@njit(cache=True)
def first_common_forum(member_indptr, member_forums, left, right):
    """The earliest forum (rank) both ends of each given tie attended; -1 if none."""
    out = np.full(left.shape[0], -1, np.int64)
    for t in range(left.shape[0]):
        a, a_end = member_indptr[left[t]], member_indptr[left[t] + 1]
        b, b_end = member_indptr[right[t]], member_indptr[right[t] + 1]
        while a < a_end and b < b_end:  # both lists are sorted by rank
            if member_forums[a] == member_forums[b]:
                out[t] = member_forums[a]
                break
            if member_forums[a] < member_forums[b]:
                a += 1
            else:
                b += 1
    return out


@njit(cache=True)
def _heap_less(wa, na, ia, ja, wb, nb, ib, jb):
    """Order of ties in the keep-heap: weaker first; among equals, later (i, j) first."""
    if wa != wb:
        return wa < wb
    if na != nb:
        return na < nb
    if ia != ib:
        return ia > ib
    return ja > jb


def strongest_ties(indptr, indices, weights, newman, keep):
    """The ``keep`` strongest ties (i < j) by weight, then Newman weight, then (i, j).

    A bounded min-heap over the upper triangle: memory stays at ``keep`` entries however
    many ties the graph has. Returns (i, j, weight, newman) sorted strongest first.
    """
    i, j, w, nw = _strongest_heap(indptr, indices, weights, newman, keep)
    order = np.lexsort((j, i, -nw, -w))
    return i[order], j[order], w[order], nw[order]


@njit(cache=True)
def _strongest_heap(indptr, indices, weights, newman, keep):
    keep = max(keep, 0)
    heap_w = np.empty(keep, np.float64)
    heap_n = np.empty(keep, np.float64)
    heap_i = np.empty(keep, np.int64)
    heap_j = np.empty(keep, np.int64)
    size = 0
    n = indptr.shape[0] - 1
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j <= i:
                continue
            w = weights[p]
            nw = newman[p]
            if size < keep:
                pos = size
                size += 1
                while pos > 0:  # sift up
                    parent = (pos - 1) // 2
                    if _heap_less(
                        w, nw, i, j, heap_w[parent], heap_n[parent], heap_i[parent], heap_j[parent]
                    ):
                        heap_w[pos], heap_n[pos] = heap_w[parent], heap_n[parent]
                        heap_i[pos], heap_j[pos] = heap_i[parent], heap_j[parent]
                        pos = parent
                    else:
                        break
                heap_w[pos], heap_n[pos], heap_i[pos], heap_j[pos] = w, nw, i, j
            # keep = 0: nothing is kept, and there is no weakest tie to compare with.
            elif keep > 0 and _heap_less(heap_w[0], heap_n[0], heap_i[0], heap_j[0], w, nw, i, j):
                pos = 0  # replace the weakest kept tie and sift down
                while True:
                    left = 2 * pos + 1
                    if left >= size:
                        break
                    child = left
                    right = left + 1
                    if right < size and _heap_less(
                        heap_w[right], heap_n[right], heap_i[right], heap_j[right],
                        heap_w[left], heap_n[left], heap_i[left], heap_j[left],
                    ):  # fmt: skip
                        child = right
                    if _heap_less(
                        heap_w[child], heap_n[child], heap_i[child], heap_j[child], w, nw, i, j
                    ):
                        heap_w[pos], heap_n[pos] = heap_w[child], heap_n[child]
                        heap_i[pos], heap_j[pos] = heap_i[child], heap_j[child]
                        pos = child
                    else:
                        break
                heap_w[pos], heap_n[pos], heap_i[pos], heap_j[pos] = w, nw, i, j
    return heap_i[:size], heap_j[:size], heap_w[:size], heap_n[:size]


def thread_count() -> int:
    return max(1, get_num_threads())


@njit(cache=True)
def _louvain_local_moving(indptr, indices, weights, order, resolution):
    """One level of Louvain's local moving (Blondel et al. 2008) on a weighted graph.

    Visits nodes in ``order`` until a full pass moves nobody; a node joins the neighbouring
    community with the largest modularity gain (ties: the smallest community id, so runs
    are reproducible). Self-loops (from aggregation) count in strength, not in the gain.
    """
    n = indptr.shape[0] - 1
    strength = np.zeros(n)
    for v in range(n):
        for p in range(indptr[v], indptr[v + 1]):
            strength[v] += weights[p]
    total_weight = strength.sum()
    community = np.arange(n)
    community_total = strength.copy()
    towards = np.zeros(n)  # weight from the current node to each community
    seen = np.zeros(n, np.bool_)
    touched = np.empty(n, np.int64)
    moved_any = False
    if total_weight == 0:
        return community, moved_any
    while True:
        moves = 0
        for v in order:
            own = community[v]
            count = 0
            for p in range(indptr[v], indptr[v + 1]):
                u = indices[p]
                if u == v:
                    continue
                c = community[u]
                if not seen[c]:
                    seen[c] = True
                    touched[count] = c
                    count += 1
                towards[c] += weights[p]
            community_total[own] -= strength[v]
            share = resolution * strength[v] / total_weight
            best = own
            best_gain = towards[own] - share * community_total[own]
            for t in range(count):
                c = touched[t]
                gain = towards[c] - share * community_total[c]
                if gain > best_gain + 1e-12 or (abs(gain - best_gain) <= 1e-12 and c < best):
                    best, best_gain = c, gain
            community_total[best] += strength[v]
            if best != own:
                community[v] = best
                moves += 1
            for t in range(count):
                towards[touched[t]] = 0.0
                seen[touched[t]] = False
        if moves == 0:
            break
        moved_any = True
    return community, moved_any


@njit(cache=True)
def _louvain_aggregate(indptr, indices, weights, community, n_communities):
    """The graph of communities: weight(c, d) = sum of weights between their members
    (self-loops hold each community's internal weight, counted from both ends)."""
    n = indptr.shape[0] - 1
    members_indptr = np.zeros(n_communities + 1, np.int64)
    for v in range(n):
        members_indptr[community[v] + 1] += 1
    for c in range(n_communities):
        members_indptr[c + 1] += members_indptr[c]
    members = np.empty(n, np.int64)
    fill = members_indptr[:-1].copy()
    for v in range(n):
        members[fill[community[v]]] = v
        fill[community[v]] += 1
    accumulated = np.zeros(n_communities)
    seen = np.zeros(n_communities, np.bool_)
    touched = np.empty(n_communities, np.int64)
    out_indptr = np.zeros(n_communities + 1, np.int64)
    # Two passes (count, then fill) keep memory at the size of the result.
    for phase in range(2):
        if phase == 1:
            out_indices = np.empty(out_indptr[-1], np.int64)
            out_weights = np.empty(out_indptr[-1], np.float64)
        for c in range(n_communities):
            count = 0
            for m in range(members_indptr[c], members_indptr[c + 1]):
                v = members[m]
                for p in range(indptr[v], indptr[v + 1]):
                    d = community[indices[p]]
                    if not seen[d]:
                        seen[d] = True
                        touched[count] = d
                        count += 1
                    accumulated[d] += weights[p]
            touched[:count].sort()
            if phase == 0:
                out_indptr[c + 1] = out_indptr[c] + count
            else:
                start = out_indptr[c]
                for t in range(count):
                    out_indices[start + t] = touched[t]
                    out_weights[start + t] = accumulated[touched[t]]
            for t in range(count):
                accumulated[touched[t]] = 0.0
                seen[touched[t]] = False
    return out_indptr, out_indices, out_weights


def louvain(indptr, indices, weights, seed: int, resolution: float = 1.0) -> np.ndarray:
    """Louvain communities (Blondel et al. 2008): local moving, then aggregation, until
    nothing moves. Memory stays at the input graph plus the (much smaller) aggregated ones.
    """
    rng = np.random.default_rng(seed)
    n = indptr.shape[0] - 1
    assignment = np.arange(n)
    graph = (indptr, indices, weights)
    while True:
        size = graph[0].shape[0] - 1
        order = rng.permutation(size)
        community, moved = _louvain_local_moving(*graph, order, resolution)
        if not moved:
            break
        labels, community = np.unique(community, return_inverse=True)
        assignment = community[assignment]
        graph = _louvain_aggregate(*graph, community, len(labels))
    return assignment


@njit(cache=True)
def repeated_ties(indptr, indices, weights):
    """The ties met more than once, each once (j > i), with their excess w - 1, as CSR.

    Built in two passes straight from the graph, so memory grows with the repeated ties
    only (a tenth of all ties in a city series), not with a copy of the whole graph.
    """
    n = indptr.shape[0] - 1
    out_indptr = np.zeros(n + 1, np.int64)
    for i in range(n):
        count = 0
        for p in range(indptr[i], indptr[i + 1]):
            if indices[p] > i and weights[p] >= 2:
                count += 1
        out_indptr[i + 1] = out_indptr[i] + count
    out_indices = np.empty(out_indptr[-1], indices.dtype)
    out_excess = np.empty(out_indptr[-1], np.int64)
    for i in range(n):
        k = out_indptr[i]
        for p in range(indptr[i], indptr[i + 1]):
            if indices[p] > i and weights[p] >= 2:
                out_indices[k] = indices[p]
                out_excess[k] = np.int64(weights[p]) - 1
                k += 1
    return out_indptr, out_indices, out_excess


@njit(cache=True)
def neighbours_by_group(indptr, indices, groups, n_groups):
    """How many neighbours each node has in each group (no copy of the graph needed)."""
    n = indptr.shape[0] - 1
    counts = np.zeros((n, n_groups), np.int64)
    for v in range(n):
        for p in range(indptr[v], indptr[v + 1]):
            counts[v, groups[indices[p]]] += 1
    return counts


@njit(cache=True)
def brokerage_roles(groups, counts, tied_pairs, unknown):
    """Gould & Fernandez roles from neighbour counts per group and tied pairs per group pair.

    For node i in group e, the untied pairs of its neighbours in groups (a, b) are
    c_a c_b - tied(a, b) (a != b) or c_a (c_a - 1) / 2 - tied(a, a) / 2 (ordered tied pairs
    within a group count each pair twice). Pairs with an alter of unknown group are left out.
    Returns the coordinator (within one sector), gatekeeper (= representative), consultant
    and liaison counts (Gould & Fernandez 1989).
    """
    n, n_groups = counts.shape
    within_sector = np.zeros(n, np.int64)
    gatekeeper = np.zeros(n, np.int64)
    consultant = np.zeros(n, np.int64)
    liaison = np.zeros(n, np.int64)
    for i in range(n):
        e = groups[i]
        if e == unknown:
            continue
        for a in range(n_groups):
            if a == unknown:
                continue
            ca = counts[i, a]
            for b in range(a, n_groups):
                if b == unknown:
                    continue
                if a == b:
                    untied = ca * (ca - 1) // 2 - tied_pairs[i, a, a] // 2
                    if a == e:
                        within_sector[i] += untied
                    else:
                        consultant[i] += untied
                else:
                    untied = ca * counts[i, b] - tied_pairs[i, a, b]
                    if a == e or b == e:
                        gatekeeper[i] += untied
                    else:
                        liaison[i] += untied
    return within_sector, gatekeeper, consultant, liaison
