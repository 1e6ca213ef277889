package org.msnp.dispatch.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** The system's reason, out of the exceptions Netty and the JDK wrap it in. */
class IoFailureTest {
    @Test
    void theNativeTransportsErrorNumberAndText() {
        assertThat(Epoll.isAvailable()).as("the epoll transport (its exceptions need its native library): %s", Epoll.unavailabilityCause()).isTrue();
        Exception e = new ChannelException("Unable to create Channel from class EpollSocketChannel",
                new Errors.NativeIoException("newSocketStream(..) failed with error(-24): Too many open files", -24));
        assertThat(IoFailure.reason(e)).isEqualTo("Too many open files");
        assertThat(IoFailure.outOfFiles(e)).isTrue();
        assertThat(IoFailure.outOfFiles(new Errors.NativeIoException("accept(..) failed with error(-23): x", -23))).isTrue();
    }

    @Test
    void theJdkSocketsText() {
        Exception e = new ChannelException("Failed to open a socket.", new IOException("Too many open files"));
        assertThat(IoFailure.reason(e)).isEqualTo("Too many open files");
        assertThat(IoFailure.outOfFiles(e)).isTrue();
    }

    @Test
    void otherFailuresAreNotOutOfFiles() {
        ConnectException refused = new ConnectException("Connection refused");
        assertThat(IoFailure.reason(refused)).isEqualTo("Connection refused");
        assertThat(IoFailure.outOfFiles(refused)).isFalse();
        assertThat(IoFailure.reason(new IOException())).isEqualTo("IOException");
    }
}
