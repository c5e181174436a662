package dev.bulwark.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.bulwark.proto.identity.v1.IdentityProto;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.meshca.v1.MeshCAGrpc;
import dev.bulwark.proto.meshca.v1.MeshCaProto;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.PolicyProto;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message type of every contract survives protobuf binary and JSON encoding unchanged. Messages
 * are filled from their descriptors (every field set, nested messages recursed into, each oneof
 * alternative in turn) so a field added later is covered without touching this test.
 */
class ContractRoundTripTest {

    private static final List<FileDescriptor> CONTRACTS = List.of(
            IdentityProto.getDescriptor(), PolicyProto.getDescriptor(), MeshCaProto.getDescriptor());

    static Stream<Descriptor> messageTypes() {
        return CONTRACTS.stream().flatMap(f -> f.getMessageTypes().stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messageTypes")
    void roundTripsThroughBinaryAndJson(Descriptor type) throws Exception {
        int alternatives = Math.max(1, type.getRealOneofs().stream()
                .mapToInt(o -> o.getFieldCount()).max().orElse(1));
        for (int alternative = 0; alternative < alternatives; alternative++) {
            Message original = filled(type, alternative, 0);
            assertNotEquals(DynamicMessage.getDefaultInstance(type), original, "filler set nothing");

            Message fromBinary = DynamicMessage.parseFrom(type, original.toByteString());
            assertEquals(original, fromBinary, "binary round trip of " + type.getFullName());

            String json = JsonFormat.printer().print(original);
            DynamicMessage.Builder parsed = DynamicMessage.newBuilder(type);
            JsonFormat.parser().merge(json, parsed);
            assertEquals(original, parsed.build(), "JSON round trip of " + type.getFullName() + ": " + json);
        }
    }

    @Test
    void generatedClassesMatchTheDescriptorsAndServicesExist() throws Exception {
        // The generated (not dynamic) classes must be wire-compatible with the descriptors.
        Message delta = filled(PolicyProto.getDescriptor().findMessageTypeByName("PolicyDelta"), 0, 0);
        var typed = dev.bulwark.proto.policy.v1.PolicyDelta.parseFrom(delta.toByteString());
        assertEquals(delta.toByteString(), typed.toByteString());
        assertTrue(typed.getEndpointsCount() > 0);

        assertEquals("bulwark.identity.v1.IdentityService", IdentityServiceGrpc.SERVICE_NAME);
        assertEquals("bulwark.policy.v1.PolicyDistribution", PolicyDistributionGrpc.SERVICE_NAME);
        assertEquals("bulwark.meshca.v1.MeshCA", MeshCAGrpc.SERVICE_NAME);
        assertFalse(IdentityServiceGrpc.getServiceDescriptor().getMethods().isEmpty());
    }

    @Test
    void unknownJsonFieldIsRejected() {
        var builder = dev.bulwark.proto.identity.v1.Label.newBuilder();
        var error = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> JsonFormat.parser().merge("{\"source\":\"k8s\",\"colour\":\"red\"}", builder));
        assertTrue(error.getMessage().contains("colour"), error.getMessage());
    }

    /** A message with every field set; for oneofs, the {@code alternative}-th member (modulo size). */
    private static Message filled(Descriptor type, int alternative, int depth) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        for (FieldDescriptor field : type.getFields()) {
            var oneof = field.getRealContainingOneof();
            if (oneof != null && oneof.getField(alternative % oneof.getFieldCount()) != field) {
                continue;
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth > 3) {
                continue;
            }
            Object value = sample(field, depth);
            if (field.isRepeated()) {
                b.addRepeatedField(field, value);
                b.addRepeatedField(field, value);
            } else {
                b.setField(field, value);
            }
        }
        return b.build();
    }

    private static Object sample(FieldDescriptor field, int depth) {
        return switch (field.getJavaType()) {
            case INT -> 7 + field.getNumber();
            case LONG -> 1_700_000_000_000L + field.getNumber();
            case FLOAT -> 1.5f;
            case DOUBLE -> 2.5d;
            case BOOLEAN -> true;
            case STRING -> field.getName() + "-value";
            case BYTE_STRING -> ByteString.copyFromUtf8("der:" + field.getName());
            case ENUM -> field.getEnumType().getValues().getLast();
            case MESSAGE -> filled(field.getMessageType(), field.getNumber(), depth + 1);
        };
    }
}
