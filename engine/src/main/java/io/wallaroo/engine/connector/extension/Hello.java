package io.wallaroo.engine.connector.extension;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** The first frame of a script's connection: who it is and which end of the stream it serves. */
record Hello(int version, int role, String streamName) {

    /** Reads a HELLO body (after the type byte) and checks it fits the port it arrived on. */
    static Hello parse(ByteBuf body, int expectedRole) throws ProtocolException {
        if (body.readableBytes() < 4) {
            throw new ProtocolException("the hello frame is " + body.readableBytes() + " bytes long, too short"
                    + " to be one; is this client a wallaroo.experimental extension of the same version?");
        }
        int version = body.readUnsignedByte();
        int role = body.readUnsignedByte();
        if (version != ExtensionProtocol.VERSION) {
            throw new ProtocolException("the script speaks extension protocol version " + version + ", this engine "
                    + ExtensionProtocol.VERSION + "; use the wallaroo package that ships with this engine");
        }
        if (role != expectedRole) {
            throw new ProtocolException("a " + ExtensionProtocol.roleName(role) + " connected to the port of a "
                    + ExtensionProtocol.roleName(expectedRole) + "; check which address the script was given");
        }
        String name = Frames.readString16(body, "stream name");
        if (body.isReadable()) {
            throw new ProtocolException("the hello frame has " + body.readableBytes() + " bytes after the stream name");
        }
        return new Hello(version, role, name);
    }

    /** How logs name the script: its stream name when it gave one. */
    String describe(Object remoteAddress) {
        return (streamName.isEmpty() ? "unnamed script" : "script '" + streamName + "'") + " from " + remoteAddress;
    }
}
