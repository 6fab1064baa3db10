package edgemq;

import java.nio.charset.StandardCharsets;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;

/**
 * A JeroMQ 0.6 peer for edgemq's interop tests of the draft types PEER and CHANNEL (JeroMQ 0.6
 * only: 0.3.6 has neither).
 *
 * <p>usage: JeromqDraftPeer &lt;PEER|CHANNEL&gt; &lt;bind|connect&gt; &lt;endpoint&gt;
 * &lt;ask|echo&gt; [count]
 *
 * <p>Output as JeromqPeer: "ENDPOINT url" when binding, "READY", one line per received message
 * (its one frame in hex), "DONE" and exit 0; "TIMEOUT" and exit 2 after 10 s without a message.
 * ask: sends "msg-i", then prints the reply, count times; a connecting PEER addresses the id
 * that connectPeer returned. echo: prints each message and sends it back (a PEER to the routing id
 * it came from).
 */
public final class JeromqDraftPeer {
  private JeromqDraftPeer() {}

  private static String hex(byte[] frame) {
    StringBuilder sb = new StringBuilder();
    for (byte b : frame) sb.append(String.format("%02x", b & 0xff));
    return sb.toString();
  }

  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println(
          "usage: JeromqDraftPeer <PEER|CHANNEL> <bind|connect> <endpoint> <ask|echo> [count]");
      System.exit(64);
    }
    String kind = args[0].toUpperCase();
    String mode = args[1];
    String endpoint = args[2];
    String action = args[3];
    int count = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    if (!kind.equals("PEER") && !kind.equals("CHANNEL")) {
      System.err.println("unknown socket type " + kind);
      System.exit(64);
    }
    boolean peer = kind.equals("PEER");
    if (!action.equals("ask") && !action.equals("echo")) {
      System.err.println("unknown action " + action);
      System.exit(64);
    }
    if (peer && action.equals("ask") && mode.equals("bind")) {
      System.err.println("a binding PEER knows no routing id to ask: use connect (connectPeer)");
      System.exit(64);
    }
    int code = 0;
    try (ZContext ctx = new ZContext()) {
      ZMQ.Socket sock = ctx.createSocket(peer ? SocketType.PEER : SocketType.CHANNEL);
      sock.setLinger(5000);
      sock.setReceiveTimeOut(10000);
      sock.setSendTimeOut(10000); // a CHANNEL with no peer would wait for ever
      int target = 0; // the routing id a connecting PEER talks to
      if (mode.equals("bind")) {
        if (endpoint.startsWith("tcp://") && (endpoint.endsWith(":*") || endpoint.endsWith(":0"))) {
          String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
          endpoint = host + ":" + sock.bindToRandomPort(host);
        } else {
          sock.bind(endpoint);
        }
        System.out.println("ENDPOINT " + endpoint);
      } else if (peer) {
        target = sock.connectPeer(endpoint);
        if (target == 0) throw new IllegalStateException("connectPeer failed: " + sock.errno());
      } else {
        sock.connect(endpoint);
      }
      System.out.println("READY");
      System.out.flush();
      for (int i = 0; i < count && code == 0; i++) {
        if (action.equals("ask")) {
          ZFrame out = new ZFrame(("msg-" + i).getBytes(StandardCharsets.UTF_8));
          if (peer) out.setRoutingId(target);
          if (!out.send(sock, 0)) {
            code = 2; // timed out (or the id was refused)
            break;
          }
        }
        ZFrame in = ZFrame.recvFrame(sock);
        if (in == null) {
          code = 2;
          break;
        }
        System.out.println(hex(in.getData()));
        System.out.flush();
        if (action.equals("echo")) {
          ZFrame back = new ZFrame(in.getData());
          if (peer) back.setRoutingId(in.getRoutingId());
          if (!back.send(sock, 0)) code = 2;
        }
      }
    }
    if (code == 2) System.out.println("TIMEOUT");
    else if (code == 0) System.out.println("DONE");
    System.out.flush();
    System.exit(code);
  }
}
