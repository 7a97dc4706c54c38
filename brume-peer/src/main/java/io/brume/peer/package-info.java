/**
 * Peer-to-peer layer distribution between brume nodes.
 *
 * <p>Serving side: {@link io.brume.peer.PeerBlobServer} answers {@code HEAD}/{@code GET
 * /v2/<name>/blobs/<digest>} and {@code /v2/<name>/manifests/<digest>} from a node's verified
 * blobs, only to holders of the {@link io.brume.peer.ClusterToken}. Fetching side: {@link
 * io.brume.peer.PeerFetcher} orders peers with the pure {@link io.brume.peer.PeerRanking}, asks a
 * few at once and opens the best; the pull engine fails over between peers and the registry. See
 * docs/p2p.md.
 */
package io.brume.peer;
