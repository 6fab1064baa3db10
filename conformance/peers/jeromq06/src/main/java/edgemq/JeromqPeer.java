package edgemq;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

/**
 * A JeroMQ peer for edgemq's interop tests (compiled against JeroMQ 0.6.0, and also against
 * Debian's JeroMQ 0.3.6 for the ZMTP 2.0 vectors: it only uses the API both have).
 *
 * <p>usage: JeromqPeer &lt;socket-type&gt; &lt;bind|connect&gt; &lt;endpoint&gt;
 * &lt;send|ask|recv|echo|publish&gt; [count] [topic]
 *
 * <p>Same output protocol as conformance/peers/pyzmq_peer.py: "ENDPOINT url" when binding,
 * "READY", one line of "|"-joined hex frames per received message, "DONE", exit 0; "TIMEOUT"
 * and exit 2 after 10 s without a message. send: ["msg", "i"] messages (PUB waits 500 ms first;
 * REQ prints each reply); ask: send, reading and printing a reply after each message; recv: REP
 * answers ["ok"], ROUTER answers [routing id, "ok"], SUB subscribes to the topic (default
 * "msg"); echo: sends each message back; publish (PUB): every 20 ms ["other", "i"] then [topic,
 * "i"], i = 0, 1, ..., for up to 10 s (the test stops it once its subscriber has what it needs).
 * A DEALER gets the routing id "jz".
 */
public final class JeromqPeer {
  private JeromqPeer() {}

  private static int typeOf(String name) {
    switch (name.toUpperCase()) {
      case "PAIR": return ZMQ.PAIR;
      case "PUB": return ZMQ.PUB;
      case "SUB": return ZMQ.SUB;
      case "REQ": return ZMQ.REQ;
      case "REP": return ZMQ.REP;
      case "DEALER": return ZMQ.DEALER;
      case "ROUTER": return ZMQ.ROUTER;
      case "PULL": return ZMQ.PULL;
      case "PUSH": return ZMQ.PUSH;
      default: throw new IllegalArgumentException("unknown socket type " + name);
    }
  }

  private static String hex(byte[] frame) {
    StringBuilder sb = new StringBuilder();
    for (byte b : frame) sb.append(String.format("%02x", b & 0xff));
    return sb.toString();
  }

  private static List<byte[]> recvMessage(ZMQ.Socket sock) {
    List<byte[]> frames = new ArrayList<>();
    byte[] first = sock.recv(0);
    if (first == null) return null;
    frames.add(first);
    while (sock.hasReceiveMore()) frames.add(sock.recv(0));
    return frames;
  }

  private static void sendMessage(ZMQ.Socket sock, List<byte[]> frames) {
    for (int i = 0; i < frames.size(); i++) {
      sock.send(frames.get(i), i + 1 < frames.size() ? ZMQ.SNDMORE : 0);
    }
  }

  private static String line(List<byte[]> frames) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0) sb.append('|');
      sb.append(hex(frames.get(i)));
    }
    return sb.toString();
  }

  private static List<byte[]> of(String... parts) {
    List<byte[]> frames = new ArrayList<>();
    for (String p : parts) frames.add(p.getBytes(StandardCharsets.UTF_8));
    return frames;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: JeromqPeer <socket-type> <bind|connect> <endpoint> <send|ask|recv|echo|publish>"
              + " [count] [topic]");
      System.exit(64);
    }
    String kind = args[0].toUpperCase();
    String mode = args[1];
    String endpoint = args[2];
    String action = args[3];
    int count = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    String topic = args.length > 5 ? args[5] : "msg";
    ZMQ.Context ctx = ZMQ.context(1);
    ZMQ.Socket sock = ctx.socket(typeOf(kind));
    sock.setLinger(5000);
    sock.setReceiveTimeOut(10000);
    if (kind.equals("DEALER")) sock.setIdentity("jz".getBytes(StandardCharsets.UTF_8));
    if (kind.equals("SUB")) sock.subscribe(topic.getBytes(StandardCharsets.UTF_8));
    int code = 0;
    try {
      if (mode.equals("bind")) {
        if (endpoint.startsWith("tcp://") && (endpoint.endsWith(":*") || endpoint.endsWith(":0"))) {
          String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
          int port = sock.bindToRandomPort(host);
          endpoint = host + ":" + port;
        } else {
          sock.bind(endpoint);
        }
        System.out.println("ENDPOINT " + endpoint);
      } else {
        sock.connect(endpoint);
      }
      System.out.println("READY");
      System.out.flush();
      if (action.equals("publish")) {
        for (int i = 0; i < 500; i++) {
          sendMessage(sock, of("other", Integer.toString(i)));
          sendMessage(sock, of(topic, Integer.toString(i)));
          Thread.sleep(20);
        }
        count = 0;
      } else if (kind.equals("PUB")) {
        Thread.sleep(500);
      }
      for (int i = 0; i < count && code == 0; i++) {
        if (action.equals("send") || action.equals("ask")) {
          sendMessage(sock, of("msg", Integer.toString(i)));
          if (kind.equals("REQ") || action.equals("ask")) {
            List<byte[]> reply = recvMessage(sock);
            if (reply == null) code = 2;
            else System.out.println(line(reply));
          }
        } else if (action.equals("recv") || action.equals("echo")) {
          List<byte[]> msg = recvMessage(sock);
          if (msg == null) {
            code = 2;
          } else if (action.equals("echo")) {
            sendMessage(sock, msg);
          } else {
            System.out.println(line(msg));
            if (kind.equals("REP")) sendMessage(sock, of("ok"));
            if (kind.equals("ROUTER")) {
              List<byte[]> reply = of("ok");
              reply.add(0, msg.get(0));
              sendMessage(sock, reply);
            }
          }
        } else {
          System.err.println("unknown action " + action);
          code = 64;
        }
        System.out.flush();
      }
    } finally {
      sock.close();
      ctx.term();
    }
    if (code == 2) System.out.println("TIMEOUT");
    else if (code == 0) System.out.println("DONE");
    System.out.flush();
    System.exit(code);
  }
}
